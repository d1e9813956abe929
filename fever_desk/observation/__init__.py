"""The 14-day medical observation register: the vocabulary (``model``), the date rules (``rules``), the
grid workers' list (``importing``) and the register's files (``exports``).  Pure: no Qt, no SQLAlchemy."""
