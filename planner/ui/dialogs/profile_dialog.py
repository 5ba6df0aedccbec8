"""The profile dialog: who the plan is for, and the daily targets that follow from it.

Name, sex, age and life stage pick the Dietary Reference Intakes (RDA or AI, EAR, UL);
the targets table shows them live as the person changes, beside one override cell per
value. An empty override cell means "use the DRI". What the user types into an override
cell stays there, valid or not; invalid text is explained under the table and keeps OK
disabled until it is fixed, so nothing typed is lost.

The dialog takes a :class:`~planner.core.plan.Profile` and the DRI tables and gives back
a new ``Profile`` (:meth:`ProfileDialog.profile`); it never touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.core.nutrients import BY_KEY, FOCUS_KEYS
from planner.core.plan import PlanError, Profile
from planner.core.status import ul_basis
from planner.core.targets import (
    DRI_KEYS,
    LIFE_STAGES,
    MAX_AGE,
    MIN_AGE,
    REPRODUCTIVE_AGES,
    SEXES,
    DriTables,
    LifeStage,
    Sex,
    Target,
    TargetError,
    Targets,
    parse_override_key,
    targets_for,
)
from planner.core.units import AmountError, parse_amount

#: Nutrients in the targets table, in the order shown: the planner's focus first, then
#: protein, fibre and sodium, then every other nutrient with a DRI in the panel's order.
_FIRST: Final = (*FOCUS_KEYS, "protein_g", "fiber_g", "sodium_mg")
TARGET_KEYS: Final = (*_FIRST, *(key for key in DRI_KEYS if key not in _FIRST))
#: Target fields, each with a DRI column and an override column.
TARGET_FIELDS: Final = ("recommended", "ear", "ul")
_FIELD_LABELS: Final = {"recommended": "target", "ear": "EAR", "ul": "UL"}
_HEADERS: Final = (
    "Nutrient", "RDA / AI", "Your target", "EAR", "Your EAR", "UL", "Your UL",
)
_HEADER_TIPS: Final = (
    "",
    "Recommended Dietary Allowance, or Adequate Intake where no RDA exists",
    "Your own daily target; leave empty to use the RDA / AI",
    "Estimated Average Requirement: intake below it is likely inadequate",
    "Your own EAR; leave empty to use the DRI value",
    "Tolerable Upper Intake Level (CDRR for sodium)",
    "Your own upper level; leave empty to use the DRI value",
)
#: Item-data role telling whether a cell's value is a user override (bool).
OVERRIDDEN_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1

DRI_NOTE: Final = (
    "Targets are Dietary Reference Intakes (IOM/NASEM); override them as advised by your "
    "dietitian."
)
_SEX_LABELS: Final = {"female": "Female", "male": "Male"}
_LIFE_STAGE_LABELS: Final = {"none": "None", "pregnancy": "Pregnancy", "lactation": "Lactation"}
_OVERRIDE_COLOUR: Final = QColor("#fff1b8")
_INVALID_COLOUR: Final = QColor("#f9c9c9")
_MARKED_TEXT_COLOUR: Final = QColor("#1a1a1a")
_REPLACED_TEXT_COLOUR: Final = QColor("#8a8a8a")


def format_number(value: float) -> str:
    """A target as people read it: ``2,000``, ``255``, ``178.6``, ``0.5``."""
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def grow_to_fit(window: QWidget) -> None:
    """Make a window taller (never smaller) when a message in it appears or grows.

    A layout's minimum size ignores the height-for-width of word-wrapped labels, so
    ``QLayout.SetMinimumSize`` alone lets a new message overlap the widgets above it.
    """
    layout = window.layout()
    if layout is None:
        return
    needed = (layout.totalHeightForWidth(window.width()) if layout.hasHeightForWidth()
              else layout.totalSizeHint().height())
    if needed > window.height():
        window.resize(window.width(), needed)


def _override_name(key: str, field_name: str) -> str:
    return key if field_name == "recommended" else f"{key}.{field_name}"


def _column_field(column: int) -> tuple[str, bool] | None:
    """The target field of a column and whether it is the override column."""
    if column < 1 or column > 2 * len(TARGET_FIELDS):
        return None
    return TARGET_FIELDS[(column - 1) // 2], column % 2 == 0


class TargetsModel(QAbstractTableModel):
    """One row per nutrient: the DRI value of each target field beside the user's override.

    The DRI cell shows what applies when that nutrient's own overrides are cleared (so the
    fibre AI follows an overridden energy target, as :func:`targets_for` computes it).
    Override cells hold the text as typed; :meth:`errors` says which do not parse.
    """

    def __init__(self, tables: DriTables, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tables = tables
        self._age = 30
        self._sex: Sex = "female"
        self._life_stage: LifeStage = "none"
        self._texts: dict[tuple[str, str], str] = {}
        self._dri: dict[str, Target] = {}
        self._notes: tuple[str, ...] = ()
        self._refresh()

    # Qt overrides -------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(TARGET_KEYS)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(_HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS[section] or None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = _column_field(index.column())
        if column is not None and column[1]:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(TARGET_KEYS):
            return None
        key = TARGET_KEYS[index.row()]
        column = _column_field(index.column())
        if column is None:
            return self._nutrient_data(key, role)
        field_name, is_override = column
        if is_override:
            return self._override_data(key, field_name, role)
        return self._dri_data(key, field_name, role)

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        column = _column_field(index.column()) if index.isValid() else None
        if role != Qt.ItemDataRole.EditRole or column is None or not column[1]:
            return False
        key = TARGET_KEYS[index.row()]
        text = "" if value is None else str(value)
        if text.strip():
            self._texts[(key, column[0])] = text
        else:
            self._texts.pop((key, column[0]), None)
        self._refresh()
        return True

    # The project's own API ----------------------------------------------------------

    def set_person(self, age: int, sex: Sex, life_stage: LifeStage) -> None:
        """Show the DRI values for this person."""
        self._age, self._sex, self._life_stage = age, sex, life_stage
        self._refresh()

    def set_overrides(self, overrides: Mapping[str, float]) -> None:
        """Fill the override cells from a profile's overrides (others are not shown)."""
        self._texts = {}
        for name, value in overrides.items():
            key, field_name = parse_override_key(name)
            if key in TARGET_KEYS:
                self._texts[(key, field_name)] = f"{value:.12g}"
        self._refresh()

    def clear_overrides(self) -> None:
        """Empty every override cell: back to the DRI values."""
        self._texts = {}
        self._refresh()

    def override_text(self, key: str, field_name: str) -> str:
        return self._texts.get((key, field_name), "")

    def overrides(self) -> dict[str, float]:
        """The override cells that parse, by override name (``key`` or ``key.field``)."""
        values: dict[str, float] = {}
        for (key, field_name), text in self._texts.items():
            try:
                values[_override_name(key, field_name)] = parse_amount(text)
            except AmountError:
                continue
        return values

    def errors(self) -> list[str]:
        """One message per override cell whose text is not a usable target, in table order."""
        messages = []
        for key in TARGET_KEYS:
            for field_name in TARGET_FIELDS:
                error = self._error(key, field_name)
                if error:
                    messages.append(error)
        return messages

    def notes(self) -> tuple[str, ...]:
        """Remarks on how the DRI values were chosen (e.g. a life-stage fallback)."""
        return self._notes

    def dri_target(self, key: str) -> Target | None:
        return self._dri.get(key)

    # Helpers ------------------------------------------------------------------------

    def _refresh(self) -> None:
        overrides = self.overrides()
        dri: dict[str, Target] = {}
        notes: tuple[str, ...] = ()
        for key in TARGET_KEYS:
            others = {
                name: value for name, value in overrides.items()
                if parse_override_key(name)[0] != key
            }
            targets = self._targets(others)
            notes = targets.notes
            target = targets.get(key)
            if target is not None:
                dri[key] = target
        self._dri, self._notes = dri, notes
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )

    def _targets(self, overrides: Mapping[str, float]) -> Targets:
        return targets_for(
            self._tables, age=self._age, sex=self._sex, life_stage=self._life_stage,
            overrides=overrides,
        )

    def _error(self, key: str, field_name: str) -> str | None:
        text = self._texts.get((key, field_name))
        if text is None:
            return None
        try:
            parse_amount(text)
        except AmountError as error:
            return f"{BY_KEY[key].label} {_FIELD_LABELS[field_name]}: {error}"
        return None

    def _dri_value(self, key: str, field_name: str) -> float | None:
        target = self._dri.get(key)
        if target is None:
            return None
        return cast(float | None, getattr(target, field_name))

    def _nutrient_data(self, key: str, role: int) -> Any:
        nutrient = BY_KEY[key]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{nutrient.label} ({nutrient.unit})"
        if role == OVERRIDDEN_ROLE:
            return any((key, field_name) in self._texts for field_name in TARGET_FIELDS)
        if role == Qt.ItemDataRole.FontRole and any(
            (key, field_name) in self._texts for field_name in TARGET_FIELDS
        ):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _dri_text(self, key: str, field_name: str) -> str:
        value = self._dri_value(key, field_name)
        if value is None:
            return "—"
        target = self._dri[key]
        text = format_number(value)
        if field_name == "recommended":
            return f"{text} ({target.kind})" if target.kind != "user" else text
        if field_name == "ul":
            if target.ul_kind == "CDRR":
                return f"{text} (CDRR)"
            if target.ul_applies_to == "supplements":
                return f"{text} (supplements)"
            if target.ul_applies_to != "total":
                return f"{text} ({BY_KEY[target.ul_applies_to].label.lower()})"
        return text

    def _dri_data(self, key: str, field_name: str, role: int) -> Any:
        replaced = (key, field_name) in self._texts
        if role == Qt.ItemDataRole.DisplayRole:
            return self._dri_text(key, field_name)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and replaced:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and replaced:
            return _REPLACED_TEXT_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._dri_tooltip(key, field_name, replaced)
        return None

    def _dri_tooltip(self, key: str, field_name: str, replaced: bool) -> str | None:
        target = self._dri.get(key)
        if target is None:
            return None
        tips = []
        if replaced:
            tips.append("Replaced by your own value.")
        if field_name == "ul" and target.ul_applies_to != "total":
            tips.append(f"This UL counts {ul_basis(target)}, not the whole intake.")
        if field_name == "recommended" and key == "niacin_mg":
            tips.append("In niacin equivalents; food values are preformed niacin only (the "
                        "body also makes niacin from tryptophan), so a total is on the low "
                        "side.")
        if target.source:
            tips.append(f"Source: {target.source.replace(';', ', ')}")
        return "\n".join(tips) or None

    def _override_data(self, key: str, field_name: str, role: int) -> Any:
        text = self._texts.get((key, field_name))
        error = self._error(key, field_name)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text or ""
        if role == OVERRIDDEN_ROLE:
            return text is not None and error is None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if text is None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Empty: the DRI value applies. Type a number in {BY_KEY[key].unit}."
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return _INVALID_COLOUR if error else _OVERRIDE_COLOUR
        if role == Qt.ItemDataRole.ForegroundRole:
            return _MARKED_TEXT_COLOUR
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return error or "Your own value, used instead of the DRI."
        return None


class ProfileDialog(QDialog):
    """Edit a profile: the person and their targets, with the DRI values shown live."""

    def __init__(
        self, profile: Profile, tables: DriTables, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Profile and targets")
        self._profile = profile
        # Overrides of nutrients the table does not show (set in a plan file) are kept as is.
        self._hidden_overrides = {
            name: value for name, value in profile.target_overrides.items()
            if parse_override_key(name)[0] not in TARGET_KEYS
        }

        self.name_edit = QLineEdit(profile.name)
        self.name_edit.setPlaceholderText("Whose plan this is")
        self.sex_combo = QComboBox()
        for sex in SEXES:
            self.sex_combo.addItem(_SEX_LABELS[sex], sex)
        self.sex_combo.setCurrentIndex(SEXES.index(profile.sex))
        self.age_spin = QSpinBox()
        self.age_spin.setRange(MIN_AGE, MAX_AGE)
        self.age_spin.setSuffix(" years")
        self.age_spin.setValue(profile.age)
        self.life_stage_combo = QComboBox()
        for stage in LIFE_STAGES:
            self.life_stage_combo.addItem(_LIFE_STAGE_LABELS[stage], stage)
        self.life_stage_combo.setCurrentIndex(LIFE_STAGES.index(profile.life_stage))

        self.targets_model = TargetsModel(tables, self)
        self.targets_model.set_person(profile.age, profile.sex, profile.life_stage)
        self.targets_model.set_overrides(profile.target_overrides)
        self.targets_view = QTableView()
        self.targets_view.setModel(self.targets_model)
        rows = self.targets_view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.targets_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.targets_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.targets_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.targets_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.targets_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.hide()
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.dri_note_label = QLabel(
            f"{DRI_NOTE} Overridden values are highlighted; the DRI value they replace is "
            "struck through. Empty cells use the DRI."
        )
        self.dri_note_label.setWordWrap(True)

        self.reset_button = QPushButton("Reset to DRI")
        self.reset_button.setToolTip("Clear every override in the table")
        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )

        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Sex:", self.sex_combo)
        form.addRow("&Age:", self.age_spin)
        form.addRow("&Life stage:", self.life_stage_combo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.button_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Daily targets</b>"))
        layout.addWidget(self.targets_view)
        layout.addWidget(self.message_label)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.dri_note_label)
        layout.addLayout(buttons)

        self.name_edit.textChanged.connect(self._validate)
        self.sex_combo.currentIndexChanged.connect(self._person_changed)
        self.age_spin.valueChanged.connect(self._person_changed)
        self.life_stage_combo.currentIndexChanged.connect(self._person_changed)
        self.targets_model.dataChanged.connect(self._validate)
        self.targets_model.dataChanged.connect(self._fit_table)
        self.reset_button.clicked.connect(self.targets_model.clear_overrides)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        self._person_changed()
        self._fit_table()

    @property
    def ok_button(self) -> QPushButton:
        return self.button_box.button(QDialogButtonBox.StandardButton.Ok)

    def sex(self) -> Sex:
        return cast(Sex, self.sex_combo.currentData())

    def life_stage(self) -> LifeStage:
        return cast(LifeStage, self.life_stage_combo.currentData())

    def profile(self) -> Profile:
        """The edited profile (same id); raises :class:`PlanError` while the input is invalid."""
        errors = self.targets_model.errors()
        if errors:
            raise PlanError(errors[0])
        return Profile(
            self.name_edit.text().strip(), self.sex(), self.age_spin.value(), self.life_stage(),
            {**self._hidden_overrides, **self.targets_model.overrides()}, id=self._profile.id,
        )

    def _person_changed(self) -> None:
        female = self.sex() == "female"
        low, high = REPRODUCTIVE_AGES
        # check_person allows pregnancy and lactation for a female profile only; the DRI
        # tables have rows for them at ages 14-50. A stage chosen earlier stays selected
        # when the age leaves that range (typing "35" passes through "3"); the notes say
        # that the general values apply.
        if not female and self.life_stage() != "none":
            self.life_stage_combo.setCurrentIndex(LIFE_STAGES.index("none"))
        items = cast(QStandardItemModel, self.life_stage_combo.model())
        for row, stage in enumerate(LIFE_STAGES):
            item = items.item(row)
            if item is not None and stage != "none":
                item.setEnabled(female and low <= self.age_spin.value() <= high)
        self.targets_model.set_person(self.age_spin.value(), self.sex(), self.life_stage())

    def _fit_table(self) -> None:
        """Make room for every row and column: the table is small and never scrolls."""
        view = self.targets_view
        header = view.horizontalHeader()
        frame = 2 * view.frameWidth()
        width = sum(
            max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
            for column in range(self.targets_model.columnCount())
        )
        height = header.sizeHint().height() + view.verticalHeader().length()
        view.setMinimumSize(width + frame, height + frame)

    def _validate(self) -> None:
        errors = self.targets_model.errors()
        if not errors:
            try:
                self.profile()
            except (PlanError, TargetError) as error:
                text = str(error)
                errors = [text[:1].upper() + text[1:]]
        self.message_label.setText("\n".join(errors))
        self.message_label.setVisible(bool(errors))
        self.ok_button.setEnabled(not errors)
        notes = self.targets_model.notes()
        self.notes_label.setText(" ".join(notes))
        self.notes_label.setVisible(bool(notes))
        grow_to_fit(self)
