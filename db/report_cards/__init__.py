"""Report cards in SQL: the ``report_card`` table (``models``) and its repository (``repository``)."""
