"""Any image -> a 28 x 28 digit: uploads and photos, the canvas recipe, picture families, whole numbers."""
