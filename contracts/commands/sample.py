"""`contracts sample` and `contracts demo`: the embedded Essex sample, and the whole job on it."""

from __future__ import annotations

from pathlib import Path

import click

from contracts.sample import demo as demo_module
from contracts.sample import generate as sample_module


@click.command("sample")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed writes the same files."
)
@click.option(
    "--contracts",
    "contract_count",
    type=int,
    default=sample_module.DEFAULT_CONTRACTS,
    show_default=True,
    help="How many register lines to write across all the files.",
)
def sample_command(out_dir: Path, seed: int, contract_count: int) -> None:
    """Write a realistic mid and south Essex sample: ten registers and truth.json.

    One register per commissioner (the five CCGs of the footprint, the three
    councils, the two other Essex CCGs), each in its own layout, with planted
    duplicates, consolidation candidates and decoys; truth.json beside them
    holds the known answers. Files without a commissioner column need the
    --commissioner option printed beside them when you import them.

    Example: contracts sample sample-registers --seed 7 --contracts 500
    """
    result = sample_module.write_sample(out_dir, seed=seed, contracts=contract_count)
    truth = sample_module.load_truth(result.truth_path)
    for entry in truth["files"]:
        option = entry["commissioner_option"]
        hint = f"  (import with --commissioner {option})" if option else ""
        click.echo(f"wrote {out_dir / entry['path']}{hint}")
    click.echo(
        f"{result.contracts} contracts in {len(result.files)} registers (seed {seed}); "
        f"the known answers are in {result.truth_path}"
    )


@click.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(demo_module.DEFAULT_OUT),
    show_default=True,
    help="Folder for the sample, its database (new on every run) and the workbook.",
)
def demo_command(out_dir: Path) -> None:
    """Run the whole job on the embedded mid and south Essex sample.

    Writes the sample registers into --out, imports them into a fresh database
    there (never ./contracts.db), prints the duplicate report and the
    consolidation proposals as at 1 April 2016, writes
    consolidation-proposals.xlsx and ends with the headline.

    Example: contracts demo --out demo-output
    """
    demo_module.run_demo(out_dir, echo=click.echo)
