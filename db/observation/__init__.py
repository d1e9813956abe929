"""The observation register's tables (``models``), row mapping (``mapping``) and repository
(``repository``), each taking the caller's session like every other repository."""
