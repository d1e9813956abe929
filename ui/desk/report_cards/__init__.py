"""The suspected-case report card (传染病报告卡) on the desk: the 2-hour clock, the doctor's editor, marking
a card reported, corrections and the card's PDF / the day's XLSX.  Every database call goes through the
station's worker (``Station.perform`` / ``worker.submit``); the rules live in ``fever_desk.report_card``
and the operations in ``ui.services.report_cards``."""
