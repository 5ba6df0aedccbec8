"""Online food look-up: search FoodData Central, read an Open Food Facts barcode, import.

A looked-up food is a plain :class:`~planner.core.foods.Food` (``fdc:<id>`` or
``off:<barcode>``); :meth:`OnlineService.import_food` stores it in the local database
(inserted, or updated in place when imported before), after which plans use it offline
like any other food.

Every look-up may wait on the network (seconds, more with retries): the window calls
them through its task runner, never on the GUI thread. Answers are cached for a week
(:mod:`planner.sources.http`), so a repeated look-up costs no request.

The FoodData Central API key comes from ``FDC_API_KEY`` or, failing that, from
``secrets.json`` in the data directory (written with permissions 0600); without either
the shared ``DEMO_KEY`` is used. ``PLANNER_FDC_URL`` and ``PLANNER_OFF_URL`` point the
clients at another server (a mirror, or the test server).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from planner import paths
from planner.core.foods import Food, FoodRef
from planner.db.foods import FoodRepository
from planner.services.database import Database
from planner.services.recipes import recompute_dependents
from planner.sources import fdc, off
from planner.sources.fdc import FdcClient, FdcSearchResult
from planner.sources.http import HttpSettings, JsonClient, ResponseCache, Sleep
from planner.sources.off import OffClient

log = logging.getLogger(__name__)

ENV_FDC_API_KEY: Final = "FDC_API_KEY"
ENV_FDC_URL: Final = "PLANNER_FDC_URL"
ENV_OFF_URL: Final = "PLANNER_OFF_URL"
SECRETS_FILE: Final = "secrets.json"
CACHE_FOLDER: Final = "online"
#: Online sources and the stored source names they produce.
ONLINE_SOURCES: Final = ("fdc", "off")
#: FoodData Central's data types searched unless asked otherwise (all but branded foods),
#: and the branded one, for the window's "branded foods too".
FDC_DATA_TYPES: Final = fdc.DEFAULT_DATA_TYPES
FDC_BRANDED: Final = fdc.BRANDED
_KEY_PATTERN: Final = re.compile(r"[A-Za-z0-9_\-]{1,128}")


@dataclass(frozen=True, slots=True)
class OnlineSettings:
    """Where the sources are and how patient to be with them."""

    fdc_base_url: str = fdc.DEFAULT_BASE_URL
    off_base_url: str = off.DEFAULT_BASE_URL
    http: HttpSettings = field(default_factory=HttpSettings)
    #: Keep answers on disk for ``http.cache_ttl`` and serve them without a request.
    use_cache: bool = True

    @classmethod
    def from_environment(cls) -> OnlineSettings:
        """The defaults, with ``PLANNER_FDC_URL`` / ``PLANNER_OFF_URL`` when set."""
        return cls(
            fdc_base_url=os.environ.get(ENV_FDC_URL) or fdc.DEFAULT_BASE_URL,
            off_base_url=os.environ.get(ENV_OFF_URL) or off.DEFAULT_BASE_URL,
        )


class NoDatabaseError(RuntimeError):
    """An import asked of a service built without a database."""


# -- the API key ---------------------------------------------------------------------


def secrets_path() -> Path:
    return paths.data_dir() / SECRETS_FILE


def _read_secrets(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        # Never log the content: it is a secret.
        log.warning("cannot read %s (%s); ignoring it", path, type(exc).__name__)
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only (0600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secrets-", suffix=".tmp")
    try:
        os.chmod(temporary, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    os.chmod(path, 0o600)


def stored_fdc_api_key() -> str | None:
    """The key saved in ``secrets.json``, ignoring the environment."""
    key = _read_secrets(secrets_path()).get("fdc_api_key", "").strip()
    return key or None


def fdc_api_key() -> str | None:
    """The key to use: ``FDC_API_KEY`` wins over the saved one; ``None`` if neither."""
    return (os.environ.get(ENV_FDC_API_KEY) or "").strip() or stored_fdc_api_key()


def save_fdc_api_key(key: str | None) -> Path:
    """Save ``key`` (``None`` or empty removes it); returns the file it lives in."""
    path = secrets_path()
    secrets = _read_secrets(path)
    key = (key or "").strip()
    if key:
        if _KEY_PATTERN.fullmatch(key) is None:
            # The message must not repeat the key: it may end up in a log or a screenshot.
            raise ValueError(
                "that is not an API key: a data.gov key is letters and digits "
                f"(get one at {fdc.KEY_SIGNUP_URL})"
            )
        secrets["fdc_api_key"] = key
    else:
        secrets.pop("fdc_api_key", None)
    _write_private(path, json.dumps(secrets, indent=2) + "\n")
    return path


# -- the service ---------------------------------------------------------------------


class OnlineService:
    """Look-ups in FoodData Central and Open Food Facts, and import into the database.

    ``db`` may be ``None`` for a service that only looks up (the CLI's ``search``).
    The service owns two HTTP sessions: close it, or use it as a context manager.
    """

    def __init__(
        self,
        db: Database | None,
        settings: OnlineSettings | None = None,
        *,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.db = db
        self.settings = settings or OnlineSettings.from_environment()
        http = self.settings.http
        self.cache = (
            ResponseCache(paths.cache_dir() / CACHE_FOLDER, http.cache_ttl)
            if self.settings.use_cache
            else None
        )
        self._fdc_http = JsonClient(fdc.SERVICE, http, cache=self.cache, sleep=sleep)
        self._off_http = JsonClient(off.SERVICE, http, cache=self.cache, sleep=sleep)
        self.fdc = FdcClient(self._fdc_http, self.settings.fdc_base_url, api_key=fdc_api_key)
        self.off = OffClient(self._off_http, self.settings.off_base_url)

    def __enter__(self) -> OnlineService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._fdc_http.close()
        self._off_http.close()

    # -- look-ups (network: run them off the GUI thread) -------------------------------

    def search_fdc(
        self,
        text: str,
        data_types: Iterable[str] = fdc.DEFAULT_DATA_TYPES,
        *,
        page_size: int = fdc.DEFAULT_PAGE_SIZE,
        page: int = 1,
    ) -> list[FdcSearchResult]:
        """FoodData Central foods matching ``text``, with nutrients per 100 g.

        ``data_types``: any of ``Foundation``, ``SR Legacy`` (or ``SR_Legacy``),
        ``Survey (FNDDS)`` (or ``Survey``), ``Branded``; default all but Branded.
        """
        return list(self.fdc.search(text, data_types, page_size=page_size, page=page).results)

    def fdc_food(self, fdc_id: int | str) -> Food:
        """One FoodData Central food with all its nutrients and portions (not stored)."""
        return self.fdc.food(fdc_id)

    def off_product(self, barcode: str) -> Food:
        """The Open Food Facts product with this barcode (not stored)."""
        return self.off.product(barcode)

    def lookup(self, ref: FoodRef | str) -> Food:
        """``fdc:<id>`` or ``off:<barcode>`` from its source (not stored)."""
        ref = _online_ref(ref)
        if ref.source == "fdc":
            return self.fdc_food(ref.source_id)
        return self.off_product(ref.source_id)

    def import_food(self, ref: FoodRef | str) -> Food:
        """Fetch ``fdc:<id>`` or ``off:<barcode>`` and store it; returns the stored food.

        Importing again updates the stored food in place (same id, so plans keep it).
        The network is done before the one short transaction starts.
        """
        if self.db is None:
            raise NoDatabaseError("importing a food needs a database")
        food = self.lookup(ref)
        with self.db.writing() as session:
            repository = FoodRepository(session)
            if food.group_code is not None and food.group_code not in {
                group.code for group in repository.groups()
            }:
                # FDC's SR categories share SR28's group codes; any other stays ungrouped.
                food = replace(food, group_code=None)
            repository.store_foods([food])
            # A refreshed food changes the recipes made of it, in the same transaction.
            recompute_dependents(session, [food.ref])
            stored = repository.get(food.ref)
        if stored is None:  # pragma: no cover - store_foods just wrote it
            raise RuntimeError(f"{food.ref} was not stored")
        log.info("imported %s (%s)", stored.ref, stored.name)
        return stored

    # -- settings (no network) ---------------------------------------------------------

    def fdc_api_key(self) -> str | None:
        """The key in use (``FDC_API_KEY`` wins over the saved one), or ``None``."""
        return fdc_api_key()

    def set_fdc_api_key(self, key: str | None) -> Path:
        """Save the key (``None`` removes it) in a file only the user can read."""
        return save_fdc_api_key(key)

    def clear_cache(self) -> None:
        if self.cache is not None:
            self.cache.clear()


def _online_ref(ref: FoodRef | str) -> FoodRef:
    if isinstance(ref, str):
        ref = FoodRef.parse(ref)
    if ref.source not in ONLINE_SOURCES:
        raise ValueError(
            f"{ref} is not an online food; give fdc:ID (FoodData Central) or off:BARCODE "
            "(Open Food Facts)"
        )
    return ref
