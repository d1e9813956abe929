"""The 14-day trend, painted with QPainter (QtCharts is not among the installed PySide6 modules).

Bars: points that reported each day (the zero reports in a lighter shade on top of the findings),
against a line at the number of points expected that day, so a gap of missing reports is seen at a
glance; the screened and fever counts are in the tooltip of each day and in the exports.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from fever_desk.county.status import TrendDay
from fever_desk.i18n import tr


class TrendChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("county_trend")
        self.days: list[TrendDay] = []
        self.setMinimumHeight(140)
        self.setMouseTracking(True)

    def set_days(self, days: list[TrendDay]) -> None:
        self.days = list(days)
        self.update()

    def _plot(self) -> QRectF:
        return QRectF(self.rect()).adjusted(34, 10, -10, -22)

    def _slot(self, index: int) -> QRectF:
        plot = self._plot()
        width = plot.width() / max(len(self.days), 1)
        return QRectF(plot.left() + index * width, plot.top(), width, plot.height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot = self._plot()
        painter.setPen(QPen(QColor("#888888")))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        if not self.days:
            return
        top = max(max(d.expected for d in self.days), 1)
        painter.drawText(QRectF(0, plot.top() - 6, 30, 14), Qt.AlignmentFlag.AlignRight, str(top))
        painter.drawText(QRectF(0, plot.bottom() - 8, 30, 14), Qt.AlignmentFlag.AlignRight, "0")
        scale = plot.height() / top
        previous: QPointF | None = None
        for i, day in enumerate(self.days):
            slot = self._slot(i)
            bar = slot.adjusted(slot.width() * 0.2, 0, -slot.width() * 0.2, 0)
            findings = (day.reported - day.zero) * scale
            zero = day.zero * scale
            painter.fillRect(
                QRectF(bar.left(), plot.bottom() - findings, bar.width(), findings), QColor("#c0392b")
            )
            painter.fillRect(
                QRectF(bar.left(), plot.bottom() - findings - zero, bar.width(), zero), QColor("#7fbf7f")
            )
            expected = QPointF(slot.center().x(), plot.bottom() - day.expected * scale)
            if previous is not None:
                painter.setPen(QPen(QColor("#333333"), 1.5, Qt.PenStyle.DashLine))
                painter.drawLine(previous, expected)
            previous = expected
            if (len(self.days) - 1 - i) % 2 == 0 or len(self.days) <= 7:  # the last day always named
                painter.setPen(QPen(QColor("#555555")))
                label = QRectF(slot.left() - 10, plot.bottom() + 3, slot.width() + 20, 16)
                painter.drawText(label, Qt.AlignmentFlag.AlignHCenter, f"{day.day:%m-%d}")

    def event(self, e: object) -> bool:
        if isinstance(e, QHelpEvent):
            for i, day in enumerate(self.days):
                if self._slot(i).contains(QPointF(e.pos())):
                    QToolTip.showText(e.globalPos(), self.day_text(day), self)
                    return True
            QToolTip.hideText()
            return True
        return super().event(e)  # type: ignore[arg-type]

    @staticmethod
    def day_text(day: TrendDay) -> str:
        return tr(
            "{day}: {reported} of {expected} points reported ({zero} zero); screened {screened}, "
            "fever {fever}, suspected {suspected}",
            day=f"{day.day:%Y-%m-%d}", reported=day.reported, expected=day.expected, zero=day.zero,
            screened=day.screened, fever=day.fever, suspected=day.suspected,
        )  # fmt: skip
