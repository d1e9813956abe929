"""Put a person under 14-day observation: from a screening, from a purchase, or typed in by hand.

The person's details come over from the screening or purchase (shown, not retyped: the operation takes
them from the stored record); by hand they are typed and checked as at the desk.  The dialog asks what
the paper register asked — kind, exposure, home or central, place, responsible person — and shows the
planned release date while the exposure date is typed, because that date (not today) fixes the period.
A problem is written under the field it concerns and nothing typed is lost; the registration runs on
the database worker (``Station.perform``) and the dialog closes only once it is stored.  The checks
themselves, which touch no widget, are in ``register_checks.py``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fever_desk.i18n import tr
from fever_desk.model import Person, Sex
from fever_desk.observation.model import Exposure, Kind, Placement, Registration, Setting
from fever_desk.observation.rules import day_number, day_one, planned_release
from fever_desk.validation import check_phone
from ui.desk.idcard.fill import Slot
from ui.desk.observation.card import registration_slots
from ui.desk.observation.register_checks import check_exposure_date, check_person, shown, today
from ui.desk.station import Station
from ui.desk.widgets.field_rows import ERROR_STYLE
from ui.desk.widgets.inputs import ChoiceField
from ui.services import observation as ops

# The paper registers' choices; any other answer can be typed.
RELATIONS = ("Family", "Colleague", "Classmate", "Medical staff", "Other")
MODES = ("Shared meal", "Same room", "Same vehicle", "Care", "Other")


@dataclass(frozen=True)
class Origin:
    """Where the person comes from: a screening, a purchase, or nothing (by hand)."""

    kind: str  # "screening", "purchase" or "hand"
    record_id: uuid.UUID | None = None


class RegisterDialog(QDialog):
    """Emits ``registered`` with the operation's ``ObservationSaved`` once stored.

    An ID card on the reader fills a by-hand registration (``id_card_slots``, ``observation/card.py``);
    the read is logged under ``record_id``, the id the observation is then saved under."""

    registered = Signal(object)
    id_card_record_kind = "observation"

    def __init__(
        self, station: Station, origin: Origin, person: Person | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.station, self.origin = station, origin
        self.record_id = uuid.uuid4()
        self.setObjectName("register_observation")
        self.setWindowTitle(tr("Register for 14-day observation"))
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        self._errors: dict[str, QLabel] = {}
        self._widgets: dict[str, QWidget] = {}
        by_hand = origin.kind == "hand"
        self.person_fields: dict[str, QLineEdit] = {}
        self.sex: ChoiceField | None = None
        for key, label in (
            ("name", tr("Name")),
            ("sex", tr("Sex")),
            ("age", tr("Age")),
            ("id_number", tr("ID number")),
            ("phone", tr("Phone")),
            ("address", tr("Address")),
        ):
            if key == "sex":
                if by_hand:
                    self.sex = ChoiceField(
                        [
                            (Sex.MALE, tr("Male"), (Qt.Key.Key_1, Qt.Key.Key_M)),
                            (Sex.FEMALE, tr("Female"), (Qt.Key.Key_2, Qt.Key.Key_F)),
                        ],
                        self,
                    )
                    self.sex.setObjectName("obs_sex")
                    self._row(form, key, label, self.sex)
                continue
            edit = QLineEdit(self)
            edit.setObjectName(f"obs_{key}")
            edit.setMaxLength(120 if key == "address" else 40)
            if person is not None:
                value = getattr(person, key, "")
                edit.setText(shown(key, "" if value is None else str(value), by_hand))
            edit.setReadOnly(not by_hand)
            if not by_hand:
                edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.person_fields[key] = edit
            self._row(form, key, label, edit)
        self.kind = ChoiceField(
            [
                (Kind.CLOSE_CONTACT, tr("Close contact"), (Qt.Key.Key_1,)),
                (Kind.RETURNEE, tr("Returnee"), (Qt.Key.Key_2,)),
                (Kind.OTHER, tr("Other"), (Qt.Key.Key_3,)),
            ],
            self,
        )
        self.kind.setObjectName("obs_kind")
        self._row(form, "kind", tr("Kind (1/2/3)"), self.kind)
        self.relation = self._combo("obs_relation", RELATIONS)
        self._row(form, "relation", tr("Relation to the case"), self.relation)
        self.mode = self._combo("obs_mode", MODES)
        self._row(form, "mode", tr("Mode of contact"), self.mode)
        self.last_date = QLineEdit(self)
        self.last_date.setObjectName("obs_last_date")
        self.last_date.setPlaceholderText("2026-11-28")
        self._row(form, "last_date", tr("Last exposure or return date"), self.last_date)
        self.release_label = QLabel(self)
        self.release_label.setObjectName("obs_planned_release")
        form.addRow("", self.release_label)
        self.origin_place = self._line("obs_origin", 60)
        self._row(form, "origin", tr("Where from"), self.origin_place)
        self.transport = self._line("obs_transport", 30)
        self._row(form, "transport", tr("Transport"), self.transport)
        self.transport_number = self._line("obs_transport_number", 20)
        self._row(form, "transport_number", tr("Train or flight number"), self.transport_number)
        self.setting = ChoiceField(
            [
                (Setting.HOME, tr("Home"), (Qt.Key.Key_1, Qt.Key.Key_H)),
                (Setting.CENTRAL, tr("Central"), (Qt.Key.Key_2, Qt.Key.Key_C)),
            ],
            self,
        )
        self.setting.setObjectName("obs_setting")
        self.setting.set_value(Setting.HOME)
        self._row(form, "setting", tr("Observed at (1 home / 2 central)"), self.setting)
        self.place = self._line("obs_place", 80)
        self._row(form, "place", tr("Place of observation"), self.place)
        self.responsible = self._line("obs_responsible", 30)
        self._row(form, "responsible", tr("Person responsible"), self.responsible)
        self.responsible_phone = self._line("obs_responsible_phone", 20)
        self._row(form, "responsible_phone", tr("Their phone"), self.responsible_phone)
        self.problem = QLabel(self)
        self.problem.setObjectName("obs_register_problem")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        outer.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Register (Enter)"))
        self.buttons.accepted.connect(self.register)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.last_date.textChanged.connect(self._show_release)
        self._show_release()
        self.first: QWidget = self.person_fields["name"] if by_hand else self.kind
        self.first.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        """The keys go to the first question at once, whoever had the keyboard before."""
        super().showEvent(event)
        self.activateWindow()
        self.first.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def id_card_slots(self, _other: bool = False) -> list[Slot] | None:
        return registration_slots(self)

    # ---- building -----------------------------------------------------------------------------------
    def _line(self, name: str, max_length: int) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setMaxLength(max_length)
        return edit

    def _combo(self, name: str, choices: tuple[str, ...]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItem("")
        for choice in choices:
            combo.addItem(tr(choice))
        return combo

    def _row(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
        box = QVBoxLayout()
        box.setSpacing(0)
        box.addWidget(widget)
        error = QLabel(self)
        error.setObjectName(f"obs_error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        self._errors[key] = error
        self._widgets[key] = widget
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        form.addRow(caption, box)

    # ---- live ---------------------------------------------------------------------------------------
    def _show_release(self) -> None:
        now = today()
        last, problem = check_exposure_date(self.last_date.text(), now)
        if last is None:
            self.release_label.setText(problem if self.last_date.text().strip() else "")
            return
        self.release_label.setText(
            tr(
                "Day 1: {first} · today is day {day} · planned release: {release}",
                first=day_one(last).isoformat(),
                day=max(day_number(last, now), 0),
                release=planned_release(last).isoformat(),
            )
        )

    # ---- saving -------------------------------------------------------------------------------------
    def registration(self) -> tuple[Registration | None, Person | None, dict[str, str]]:
        """What the form says, or the problems keyed by field; never changes what was typed."""
        now = today()
        errors: dict[str, str] = {}
        person: Person | None = None
        if self.origin.kind == "hand":
            typed = {key: edit.text() for key, edit in self.person_fields.items()}
            sex = self.sex.value() if self.sex is not None else None
            person, errors = check_person(typed, sex if isinstance(sex, Sex) else None, now)
        kind = self.kind.value()
        if kind is None:
            errors["kind"] = tr("Choose the kind: 1 close contact, 2 returnee, 3 other.")
        last, problem = check_exposure_date(self.last_date.text(), now)
        if problem:
            errors["last_date"] = problem
        if self.responsible_phone.text().strip():
            _phone, problem = check_phone(self.responsible_phone.text(), required=False)
            if problem:
                errors["responsible_phone"] = problem
        if errors:
            return None, person, errors
        assert isinstance(kind, Kind) and last is not None
        setting = self.setting.value()
        exposure = Exposure(
            kind=kind,
            last_date=last,
            relation=self.relation.currentText().strip(),
            mode=self.mode.currentText().strip(),
            origin=self.origin_place.text().strip(),
            transport=self.transport.text().strip(),
            transport_number=self.transport_number.text().strip().upper(),
        )
        placement = Placement(
            setting=setting if isinstance(setting, Setting) else Setting.HOME,
            place=self.place.text().strip(),
            responsible=self.responsible.text().strip(),
            responsible_phone=self.responsible_phone.text().strip(),
        )
        return Registration(exposure=exposure, placement=placement), person, {}

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self._errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        for key in self._widgets:
            if key in errors:
                self._widgets[key].setFocus()
                break

    def register(self) -> None:
        registration, person, errors = self.registration()
        self.show_errors(errors)
        if registration is None:
            self.problem.setText(tr("Not registered: see the fields marked in red."))
            return
        if not self.station.db_ready:
            self.problem.setText(tr("The database is not open yet; the form keeps what you typed."))
            return
        self.problem.setText("")
        self.buttons.setEnabled(False)
        operator = self.station.operator
        role = operator.role if operator is not None else None
        origin = self.origin
        record_id, new_id = origin.record_id, self.record_id

        def job(ctx: object) -> ops.ObservationSaved:
            if origin.kind == "screening" and record_id is not None:
                return ops.register_from_screening(ctx, record_id, registration, role=role)  # type: ignore[arg-type]
            if origin.kind == "purchase" and record_id is not None:
                return ops.register_from_purchase(ctx, record_id, registration, role=role)  # type: ignore[arg-type]
            assert person is not None
            return ops.register_by_hand(ctx, person, registration, role=role, observation_id=new_id)  # type: ignore[arg-type]

        self.station.perform(job, self._saved, self._failed, initiator=self)

    def _saved(self, saved: ops.ObservationSaved) -> None:
        self.registered.emit(saved)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.problem.setText(
            tr(
                "Not registered: {problem} The form still holds everything typed.",
                problem=self.station.describe_error(error),
            )
        )
