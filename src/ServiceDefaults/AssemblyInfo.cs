// Lets the JasperFx command line find the operators' commands defined here (audit).
[assembly: JasperFx.JasperFxAssembly]
