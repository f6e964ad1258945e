"""The finance workbook: exporting it and reading finance's decisions back."""
