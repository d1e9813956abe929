"""Find a person: one search across screenings and purchases by ID, phone or name."""
