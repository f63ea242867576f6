"""Write paths of the wellbeing app, one module per area: trips, greetings, care, inquiries."""
