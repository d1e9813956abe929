"""The county's view in the desk (a user with the county role) and the station's automatic sending."""
