"""Reports and exports: certificates, Excel, CSV and PDF. Plain Python, no Qt."""
