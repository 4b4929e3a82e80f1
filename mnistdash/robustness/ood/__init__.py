"""Is it a digit at all? A digit-likeness score calibrated on training digits, and the non-digits it is measured on."""
