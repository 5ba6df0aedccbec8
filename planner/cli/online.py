"""``planner online search|barcode|import|key``: FoodData Central and Open Food Facts."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

from planner.cli.common import (
    EXIT_OK,
    JSON_FLAG,
    CliError,
    Commands,
    Context,
    fmt,
    home_relative,
    limit,
)
from planner.cli.foods import food_json, print_food


def _online_service(ctx: Context, *, with_db: bool = False) -> Any:
    """The services' online clients (closed with them) for an import; for a search,
    clients without a database, so a search works whatever state the database is in."""
    from planner.services.online import OnlineService

    if with_db:
        return contextlib.nullcontext(ctx.services.online)
    return OnlineService(None)


def online_result_json(result: Any) -> dict[str, Any]:
    return {
        "food": str(result.ref),
        "name": result.name,
        "data_type": result.data_type,
        "brand": result.brand,
        "gtin_upc": result.gtin_upc,
        "category": result.category,
        "per_100g": dict(result.nutrients),
    }


def cmd_online_search(ctx: Context) -> int:
    from planner.sources.fdc import DEFAULT_DATA_TYPES

    args = ctx.args
    with _online_service(ctx) as online:
        results = online.search_fdc(
            args.text, args.types or DEFAULT_DATA_TYPES, page_size=args.limit
        )
    if args.json:
        ctx.emit_json([online_result_json(r) for r in results])
        return EXIT_OK
    if not results:
        print(f"FoodData Central has no food matching {args.text!r}.", file=ctx.out)
        return EXIT_OK
    print(f"{'food':<12} {'Mg mg/100g':>10} {'vit D µg/100g':>13}  {'type':<10} name",
          file=ctx.out)
    for result in results:
        mg = "?" if result.magnesium_mg is None else f"{result.magnesium_mg:g}"
        vd = "?" if result.vitamin_d_ug is None else f"{result.vitamin_d_ug:g}"
        kind = result.data_type.split(" (")[0]
        print(f"{str(result.ref):<12} {mg:>10} {vd:>13}  {kind:<10} {result.name}", file=ctx.out)
    return EXIT_OK


def cmd_online_barcode(ctx: Context) -> int:
    with _online_service(ctx) as online:
        food = online.off_product(ctx.args.code)
    if ctx.args.json:
        ctx.emit_json(food_json(food))
    else:
        print_food(food, ctx.out)
    return EXIT_OK


def cmd_online_import(ctx: Context) -> int:
    ctx.before_writing()
    with _online_service(ctx, with_db=True) as online:
        food = online.import_food(ctx.args.food)
    if ctx.args.json:
        ctx.emit_json(food_json(food))
        return EXIT_OK
    print(
        f"Imported {food.ref} {food.name}: magnesium "
        f"{fmt(food.value('magnesium_mg'), 'mg')}, vitamin D "
        f"{fmt(food.value('vitamin_d_ug'), 'µg')} per 100 g.",
        file=ctx.out,
    )
    return EXIT_OK


def cmd_online_key(ctx: Context) -> int:
    from planner.services.online import ENV_FDC_API_KEY, save_fdc_api_key

    if ctx.args.key_command == "clear":
        save_fdc_api_key(None)
        print("Removed the saved FoodData Central API key.", file=ctx.out)
        return EXIT_OK
    key = ctx.args.key
    if key == "-":
        # From stdin, so that the key stays out of the shell history and `ps`.
        key = sys.stdin.readline()
    if not key.strip():
        raise CliError("give the API key (or '-' to read it from stdin)")
    path = save_fdc_api_key(key)
    print(f"Saved the FoodData Central API key in {home_relative(str(path))} "
          "(readable only by you).", file=ctx.out)
    if os.environ.get(ENV_FDC_API_KEY, "").strip():
        print(f"Note: {ENV_FDC_API_KEY} is set and is used instead while it is.", file=ctx.out)
    return EXIT_OK


def register(commands: Commands) -> None:
    """``online search``, ``online barcode``, ``online import`` and ``online key``."""
    online = commands.add_parser(
        "online", help="look foods up in FoodData Central and Open Food Facts, and import them"
    )
    online_commands = online.add_subparsers(dest="online_command", metavar="ACTION",
                                            required=True)
    online_search = online_commands.add_parser(
        "search", parents=[JSON_FLAG], help="search FoodData Central (values per 100 g)"
    )
    online_search.add_argument("text", help="words to find, e.g. 'salmon raw'")
    online_search.add_argument(
        "--type", dest="types", action="append", metavar="TYPE",
        choices=("Foundation", "SR_Legacy", "Survey", "Branded"),
        help="Foundation, SR_Legacy, Survey or Branded; repeat for several "
             "(default: all but Branded)",
    )
    online_search.add_argument("--limit", type=limit, default=25, metavar="N",
                               help="results (default 25, at most 200)")
    online_search.set_defaults(handler=cmd_online_search)
    online_barcode = online_commands.add_parser(
        "barcode", parents=[JSON_FLAG], help="show an Open Food Facts product by barcode"
    )
    online_barcode.add_argument("code", help="8 to 14 digits, e.g. 3017620422003")
    online_barcode.set_defaults(handler=cmd_online_barcode)
    online_import = online_commands.add_parser(
        "import", parents=[JSON_FLAG], help="store an online food in the local database"
    )
    online_import.add_argument("food", help="fdc:ID or off:BARCODE")
    online_import.set_defaults(handler=cmd_online_import)
    _register_key(online_commands)


def _register_key(online_commands: Commands) -> None:
    online_key = online_commands.add_parser("key", help="the FoodData Central API key")
    key_commands = online_key.add_subparsers(dest="key_command", metavar="ACTION",
                                             required=True)
    key_set = key_commands.add_parser(
        "set", help="save the key (file readable only by you); FDC_API_KEY overrides it"
    )
    key_set.add_argument("key", help="the key from api.data.gov, or '-' to read it from stdin")
    key_set.set_defaults(handler=cmd_online_key)
    key_clear = key_commands.add_parser("clear", help="forget the saved key")
    key_clear.set_defaults(handler=cmd_online_key)
