"""Question-bank file formats: Moodle GIFT, Aiken and the Excel template."""
