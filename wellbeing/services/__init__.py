"""Write paths of the wellbeing app, one module per area (greetings, care, inquiries)."""
