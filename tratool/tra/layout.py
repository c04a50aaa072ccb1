"""The TRA layout, as data.

Every position of the format lives here and only here: the reader slices with these tables, the
writer pads with them, the validator names fields and columns from them. The tables transcribe
``shared/docs/tra-format.md``: the Cegid layout of file version 008 (sections 2-8) and the
version-011 additions of Cegid's own specification (section 12); positions are 1-based and
inclusive, as in Cegid's documentation, so a row can be checked against the reference by eye.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable

import attrs


class Kind(enum.Enum):
    """How a field's characters map to a Python value."""

    TEXT = "text"  # free text -> str (blanks trimmed)
    CODE = "code"  # a short code -> str (blanks trimmed)
    DATE = "date"  # JJMMAAAA -> datetime.date | None
    TIMESTAMP = "timestamp"  # JJMMAAAAHHMM -> datetime.datetime | None
    AMOUNT = "amount"  # money, decimal comma -> Decimal | None, written with 2+ decimals
    DECIMAL = "decimal"  # rate or quantity -> Decimal | None, written as given
    INTEGER = "integer"  # digits -> int | None


class Just(enum.Enum):
    LEFT = "L"
    RIGHT = "R"


@attrs.frozen
class Field:
    """One fixed-width field: where it is, how it is padded and what it holds."""

    name: str
    pos: int  # 1-based first column, as in Cegid's tables
    width: int
    just: Just
    kind: Kind

    @property
    def start(self) -> int:
        """0-based slice start."""
        return self.pos - 1

    @property
    def end(self) -> int:
        """0-based slice end (exclusive), i.e. the 1-based last column."""
        return self.pos - 1 + self.width


@attrs.frozen(cache_hash=True)  # a dictionary key in per-layout caches, hashed once
class Layout:
    """An ordered, gap-free run of fields. ``end`` is the last column the layout covers."""

    name: str
    fields: tuple[Field, ...]

    def __attrs_post_init__(self) -> None:
        for before, after in zip(self.fields, self.fields[1:], strict=False):
            if before.end + 1 != after.pos:
                raise ValueError(
                    f"{self.name}: gap or overlap between {before.name} and {after.name}"
                )

    @property
    def start(self) -> int:
        return self.fields[0].pos

    @property
    def end(self) -> int:
        return self.fields[-1].end

    @functools.cached_property
    def names(self) -> tuple[str, ...]:  # (kept: an export asks it of every line)
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    def at(self, column: int) -> Field | None:
        """The field covering a 1-based column, if any."""
        for f in self.fields:
            if f.pos <= column < f.pos + f.width:
                return f
        return None


L, R = Just.LEFT, Just.RIGHT
TEXT, CODE, DATE, TS, AMT, DEC, INT = (
    Kind.TEXT,
    Kind.CODE,
    Kind.DATE,
    Kind.TIMESTAMP,
    Kind.AMOUNT,
    Kind.DECIMAL,
    Kind.INTEGER,
)

# One row of a layout table, in the order of Cegid's tables: position, width, justification,
# name, kind.
FieldRow = tuple[int, int, Just, str, Kind]


def _layout(name: str, rows: Iterable[FieldRow]) -> Layout:
    return Layout(name, tuple(Field(n, p, w, j, k) for p, w, j, n, k in rows))


# --- Header (line 1), tra-format.md section 2. Columns 1-3 hold the literal "***". -----------
HEADER_MARKER = "***"
HEADER = _layout(
    "header",
    [
        (4, 2, R, "product", CODE),
        (6, 3, L, "origin", CODE),
        (9, 3, L, "content", CODE),
        (12, 3, R, "format", CODE),
        (15, 3, L, "closing_exercise", CODE),
        (18, 8, L, "switchover_date", DATE),
        (26, 8, L, "closing_date", DATE),
        (34, 3, L, "version", CODE),
        (37, 5, L, "firm_file_number", TEXT),
        (42, 12, L, "generated_at", TS),
        (54, 35, L, "user", TEXT),
        (89, 35, L, "company_name", TEXT),
        (124, 1, R, "resume_flag", CODE),
        (125, 3, R, "resume_complement", CODE),
        (128, 6, R, "file_number", TEXT),
        (134, 3, L, "sync_mode", CODE),
        (137, 8, R, "purge_date", DATE),
        (145, 3, L, "sub_version", CODE),
        # Version 010 on (section 12.1); files of earlier versions end at 147.
        (148, 1, L, "new_analytics", CODE),
        (149, 1, L, "guid_ready", CODE),
    ],
)
# Fields every header carries; the ones after it are written only when used.
HEADER_V008_FIELDS = HEADER.names.index("sub_version") + 1

# Product codes Cegid's reader accepts on line 1 (section 1).
HEADER_PRODUCTS = frozenset({"S1", "S2", "S3", "S5", "S7", "SI", "QU", "WT", "WS", "CF"})

# --- Entry line, standard part 1-222, section 3. ----------------------------------------------
ENTRY = _layout(
    "entry",
    [
        (1, 3, L, "journal", CODE),
        (4, 8, L, "date", DATE),
        (12, 2, R, "piece_type", CODE),
        (14, 17, L, "account", CODE),
        (31, 1, R, "line_type", CODE),
        (32, 17, L, "auxiliary", CODE),
        (49, 35, L, "reference", TEXT),
        (84, 35, L, "label", TEXT),
        (119, 3, L, "payment_method", CODE),
        (122, 8, L, "due_date", DATE),
        (130, 1, R, "direction", CODE),
        (131, 20, R, "amount", AMT),
        (151, 1, R, "entry_type", CODE),
        (152, 8, R, "piece_number", INT),
        (160, 3, L, "currency", CODE),
        (163, 10, L, "exchange_rate", DEC),
        (173, 3, L, "amount_code", CODE),
        (176, 20, R, "amount2", AMT),
        (196, 20, R, "amount3", AMT),
        (216, 3, L, "establishment", CODE),
        (219, 2, L, "axis", CODE),
        (221, 2, R, "due_number", INT),
    ],
)
STD_WIDTH = ENTRY.end  # 222

# --- Entry line, extended part, sections 5 and 12. ----------------------------------------------
# General (blank/X/H) and analytic (A/O) lines share most of 223-1177 and differ where the rows
# below say so (section 5.2, corrected by section 12.3).
_ETE_HEAD: list[FieldRow] = [
    (223, 35, L, "external_reference", TEXT),
    (258, 8, R, "external_reference_date", DATE),
    (266, 8, R, "created_on", DATE),
    (274, 3, R, "company_code", CODE),
    (277, 17, L, "business_code", CODE),
    (294, 8, R, "exchange_rate_date", DATE),
    (302, 3, R, "opening_kind", CODE),
    (305, 20, R, "quantity1", DEC),
    (325, 20, R, "quantity2", DEC),
    (345, 3, R, "quantity1_unit", CODE),
    (348, 3, R, "quantity2_unit", CODE),
    (351, 35, R, "free_reference", TEXT),
]
_ETE_GENERAL_VAT: list[FieldRow] = [
    (386, 1, R, "vat_on_receipts", CODE),
    (387, 3, L, "vat_regime", CODE),
    (390, 3, L, "vat_code", CODE),
    (393, 3, L, "tpf_code", CODE),
]
_ETE_ANALYTIC_VAT: list[FieldRow] = [(386, 10, L, "reserved_386", CODE)]  # not used (12.3)
_ETE_COUNTERPART: list[FieldRow] = [
    (396, 17, L, "counterpart_account", CODE),
    (413, 17, L, "counterpart_auxiliary", CODE),
]
_ETE_GENERAL_MIDDLE: list[FieldRow] = [
    (430, 17, L, "reconciliation_reference", TEXT),
    (447, 8, R, "reconciliation_date", DATE),
    (455, 8, R, "reminder_date", DATE),
    (463, 8, R, "value_date", DATE),
    (471, 35, R, "bank_details", TEXT),
    (506, 10, R, "statement_reference", TEXT),
]
_ETE_ANALYTIC_MIDDLE: list[FieldRow] = [
    (430, 1, L, "analytic_flag", CODE),
    (431, 17, L, "sub_section_axis1", CODE),
    (448, 17, L, "sub_section_axis2", CODE),
    (465, 17, L, "sub_section_axis3", CODE),
    (482, 17, L, "sub_section_axis4", CODE),
    (499, 17, L, "sub_section_axis5", CODE),
]
_ETE_FREE: list[FieldRow] = [
    (516, 17, L, "asset_number", CODE),
    *[(533 + 30 * i, 30, L, f"free_text_{i}", TEXT) for i in range(10)],
    *[(833 + 3 * i, 3, L, f"legacy_free_table_{i}", CODE) for i in range(4)],
    *[(845 + 20 * i, 20, L, f"free_amount_{i}", DEC) for i in range(4)],
    (925, 8, L, "free_date", DATE),
    (933, 1, L, "free_flag_0", CODE),
    (934, 1, L, "free_flag_1", CODE),
    (935, 3, L, "consolidation_code", CODE),
]
_ETE_GENERAL_LETTERING: list[FieldRow] = [
    (938, 20, L, "covered_amount", DEC),
    (958, 20, L, "covered_amount_currency", DEC),
    (978, 20, L, "covered_amount_euro", DEC),
    (998, 8, L, "lettering_max_date", DATE),
    (1006, 8, L, "lettering_min_date", DATE),
    (1014, 5, L, "lettering_code", CODE),
    (1019, 1, R, "lettering_in_currency", CODE),
    (1020, 1, R, "lettering_in_euro", CODE),
    (1021, 3, L, "lettering_state", CODE),
]
# On analytic lines 938-997 are percentages and 1014 the analytic line number (NUMVENTIL);
# 1021-1023 is not used (section 12.3). The justification of 1014 is not stated: Cegid trims.
_ETE_ANALYTIC_SPLIT: list[FieldRow] = [
    (938, 20, L, "percentage", DEC),
    (958, 20, L, "quantity1_percentage", DEC),
    (978, 20, L, "quantity2_percentage", DEC),
    (998, 8, L, "lettering_max_date", DATE),
    (1006, 8, L, "lettering_min_date", DATE),
    (1014, 5, L, "analytic_line_number", INT),
    (1019, 1, R, "lettering_in_currency", CODE),
    (1020, 1, R, "lettering_in_euro", CODE),
    (1021, 3, L, "reserved_1021", CODE),
]
_ETE_BODY: list[FieldRow] = [
    *[(1024 + 17 * i, 17, L, f"free_table_{i}", CODE) for i in range(4)],
    (1092, 35, L, "gescom_reference", TEXT),
    (1127, 3, R, "movement_type", CODE),
    (1130, 10, R, "document_id", CODE),
    (1140, 3, R, "treasury_sync", CODE),
    (1143, 17, L, "bill_or_cheque_number", CODE),
    (1160, 17, L, "receipt_payment_number", CODE),
    (1177, 1, R, "validated", CODE),
]
_ETE_GENERAL_TAIL: list[FieldRow] = [
    (1178, 8, L, "cutoff_start", DATE),
    (1186, 8, L, "cutoff_end", DATE),
    (1194, 8, L, "cutoff_computed_on", DATE),
    (1202, 35, L, "entry_key", TEXT),
    (1237, 1, R, "confidential", CODE),
    (1238, 1, R, "cfonb_ok", CODE),
    (1239, 3, R, "acceptance_code", CODE),
    (1242, 8, L, "validation_id", CODE),
    (1250, 17, R, "reserved_1250", CODE),
    (1267, 3, R, "reserved_1267", CODE),
    (1270, 8, R, "reserved_1270", CODE),
    (1278, 3, R, "origin_qualifier", CODE),
    # Version 011 (section 12.2). The justification is not stated: Cegid trims every field.
    (1281, 36, L, "guid", TEXT),
    (1317, 3, L, "company_internal", CODE),
    (1320, 35, L, "creditor_id", CODE),
    (1355, 35, L, "mandate_reference", TEXT),
    (1390, 5, R, "entry_group_number", INT),
    (1395, 5, R, "entry_number", INT),
    (1400, 8, L, "validated_on", DATE),
]
_ETE_ANALYTIC_TAIL: list[FieldRow] = [
    (1178, 1, R, "confidential", CODE),
    (1179, 17, L, "sub_section_axis6", CODE),  # section 12.3
    (1196, 36, L, "guid", TEXT),  # version 010 on, with the header's guid_ready
]
ETE_GENERAL = _layout(
    "ete-general",
    [
        *_ETE_HEAD,
        *_ETE_GENERAL_VAT,
        *_ETE_COUNTERPART,
        *_ETE_GENERAL_MIDDLE,
        *_ETE_FREE,
        *_ETE_GENERAL_LETTERING,
        *_ETE_BODY,
        *_ETE_GENERAL_TAIL,
    ],
)
ETE_ANALYTIC = _layout(
    "ete-analytic",
    [
        *_ETE_HEAD,
        *_ETE_ANALYTIC_VAT,
        *_ETE_COUNTERPART,
        *_ETE_ANALYTIC_MIDDLE,
        *_ETE_FREE,
        *_ETE_ANALYTIC_SPLIT,
        *_ETE_BODY,
        *_ETE_ANALYTIC_TAIL,
    ],
)
# Where the ETE lines of a header version up to 009 end (section 5): the fields after these
# exist from version 010 on (section 12).
ETE_GENERAL_V008_END = ETE_GENERAL.field("origin_qualifier").end
ETE_ANALYTIC_V008_END = ETE_ANALYTIC.field("confidential").end

# Column 31 values whose ETE part uses the analytic variant (section 5.2).
ANALYTIC_LINE_TYPES = frozenset({"A", "O"})
# Column 31 values that are not journal entries (GED attachment, payment approval, budget).
SPECIAL_LINE_TYPES = frozenset({"G", "P", "B"})

# --- Parameter records, section 8: "***" + 3-character code at 4-6. ---------------------------
# Only the leading, contiguous key fields are typed; the rest of the record is kept raw.
PARAMETER_PREFIXES = ("***", "###", "¥¥¥")
EXERCISE = _layout(
    "EXO",
    [
        (7, 3, L, "code", CODE),
        (10, 8, L, "start", DATE),
        (18, 8, L, "end", DATE),
        (26, 3, L, "state", CODE),
        (29, 3, L, "budget_state", CODE),
        (32, 35, L, "label", TEXT),
        (67, 3, L, "opening_balance_type", CODE),
    ],
)
JOURNAL = _layout(
    "JAL",
    [
        (7, 3, L, "code", CODE),
        (10, 35, L, "label", TEXT),
        (45, 3, L, "nature", CODE),
        (48, 3, L, "number_series", CODE),
        (51, 3, L, "simulation_series", CODE),
        (54, 17, L, "counterpart_account", CODE),
        (71, 3, L, "axis", CODE),
        (74, 3, L, "entry_mode", CODE),
    ],
)
GENERAL_ACCOUNT = _layout(
    "CGN",
    [
        (7, 17, L, "code", CODE),
        (24, 35, L, "label", TEXT),
        (59, 3, L, "nature", CODE),
        (62, 1, L, "lettrable", CODE),
        (63, 1, L, "pointable", CODE),
        (64, 5, L, "ventilable_axes", CODE),
    ],
)
TIERS = _layout(
    "CAE",
    [
        (7, 17, L, "code", CODE),
        (24, 35, L, "name", TEXT),
        (59, 3, L, "nature", CODE),
        (62, 1, L, "lettrable", CODE),
        (63, 17, L, "collective_account", CODE),
        (80, 17, L, "ean", CODE),
    ],
)
PARAMETER_LAYOUTS = {lay.name: lay for lay in (EXERCISE, JOURNAL, GENERAL_ACCOUNT, TIERS)}
# Records the validator checks but the reader keeps raw.
LENGTHS = _layout(
    "PS2",
    [
        (7, 2, L, "general_account_length", INT),
        (9, 1, L, "general_account_filler", CODE),
        (10, 2, L, "auxiliary_length", INT),
        (12, 1, L, "auxiliary_filler", CODE),
        *[
            row
            for axis in range(1, 6)
            for row in (
                (10 + 3 * axis, 2, L, f"axis{axis}_length", INT),
                (12 + 3 * axis, 1, L, f"axis{axis}_filler", CODE),
            )
        ],
    ],
)
CURRENCY = _layout(
    "PS5",
    [
        (7, 3, L, "keeping_currency", CODE),
        (10, 1, L, "decimals", INT),
        (11, 1, L, "keeps_euro", CODE),
    ],
)

# --- Where a line says what it is (sections 2, 3 and 8). --------------------------------------
PREFIX = Field("prefix", 1, 3, L, CODE)  # "***" on the header and on parameter records
RECORD_CODE = Field("record_code", 4, 3, L, CODE)  # EXO, JAL…; free tables: "TL" + table id
FREE_TABLE_CODE = "TL"
HEADER_PRODUCT = HEADER.field("product")
LINE_TYPE = ENTRY.field("line_type")
# Every field of an entry line by name: the standard part and the general ETE part. (The
# analytic ETE part shares the names of its common fields, at the same columns.)
ENTRY_FIELDS = {f.name: f for f in (*ETE_GENERAL.fields, *ENTRY.fields)}


# The line type's slice, for the per-line paths (a slice object costs nothing to apply).
LINE_TYPE_SLICE = slice(LINE_TYPE.start, LINE_TYPE.end)


def cut(text: str, field: Field) -> str:
    """A field's characters in a line ("" past its end)."""
    return text[field.start : field.end]


def record_code(text: str) -> str:
    """The code of a parameter record: ``EXO``, ``JAL``…, or ``TL`` for a free table."""
    code = cut(text, RECORD_CODE)
    return FREE_TABLE_CODE if code.startswith(FREE_TABLE_CODE) else code


# Every record code Cegid's reader knows (section 8). "TL" is a free table: ***TL + table id.
KNOWN_PARAMETER_CODES = frozenset(
    "PS1 PS2 PS3 PS4 PS5 EXO TL SSA ETB MDP MDR DEV REG TVA CGE CGN CAE JAL SAT SOU RIB BQC BQE"
    " EXB EXL CON YTC FBG FBJ FBS CTL PTL XTL ARS CAU RRL CTI CCI CRR CRI VEN CPJ RUP".split()
)


def ete_layout(line_type: str) -> Layout:
    """The ETE part of an entry line: chosen by its line type (column 31, blanks trimmed)."""
    return ETE_ANALYTIC if line_type.strip(" ") in ANALYTIC_LINE_TYPES else ETE_GENERAL


def entry_layouts(line_type: str, extended: bool) -> tuple[Layout, ...]:
    """The layouts that make up an entry line of this type, in column order."""
    if not extended:
        return (ENTRY,)
    return (ENTRY, ete_layout(line_type))


def has_v010_fields(version: str) -> bool:
    """Whether a header version carries the fields of section 12 (010 and 011, and later)."""
    digits = version.strip(" ")
    return len(digits) == 3 and digits.isascii() and digits.isdigit() and digits >= "010"


def longest_entry(line_type: str, extended: bool, version: str) -> int:
    """The last column an entry line of this type may use under this header version."""
    if not extended:
        return STD_WIDTH
    lay = ete_layout(line_type)
    if has_v010_fields(version):
        return lay.end
    return ETE_ANALYTIC_V008_END if lay is ETE_ANALYTIC else ETE_GENERAL_V008_END
