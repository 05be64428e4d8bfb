"""Forms of the knowledge app, one module per area; import from the module itself."""
