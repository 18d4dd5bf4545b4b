"""Forms of the site, one module per part."""
