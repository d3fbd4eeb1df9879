"""Ingesting a folder never follows a symlink out of it, nor into /proc, /sys, /dev."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_folder_ingest_does_not_follow_symlinks_out(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRIAGE_SECRET_MARK", "s3cr3tmarkvalue")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Outside secret headline\n\nOutside body.\n")
    folder = tmp_path / "W"
    folder.mkdir()
    (folder / "real.txt").write_text("Real harbour headline\n\nThe harbour reopened.\n")
    (folder / "p.txt").symlink_to("/etc/passwd")
    (folder / "e.txt").symlink_to("/proc/self/environ")
    (folder / "s.txt").symlink_to(outside / "secret.txt")
    (folder / "inside.txt").symlink_to(folder / "real.txt")  # stays in the folder: fine
    (folder / "etc").symlink_to("/etc")
    (folder / "up").symlink_to(outside)
    done = cli("ingest", str(folder))
    assert "Traceback" not in done.err
    assert "not followed" in done.err
    rows = cli("search", "--json", "--all", "--limit", "100", "*").json()
    titles = {r["title"] for r in rows}  # type: ignore[union-attr]
    assert titles == {"Real harbour headline"}
    dump = cli("export", "--format", "json").out
    assert "root:" not in dump and "s3cr3tmarkvalue" not in dump and "Outside" not in dump


@pytest.mark.parametrize("special", ["/proc/self/environ", "/proc/self/status", "/dev/null"])
def test_special_filesystems_are_refused_even_by_name(cli, special: str) -> None:  # type: ignore[no-untyped-def]
    if not os.path.exists(special):
        pytest.skip("no such file here")
    done = cli("ingest", special)
    assert done.status == 1
    assert "Traceback" not in done.err
    assert cli("search", "--json", "--all", "*").json() == []


def test_nothing_is_written_to_the_temp_dir_even_when_killed(tmp_path: Path) -> None:
    """No scratch file outlives a killed parent and child: triage writes none to
    $TMPDIR at all (its scratch work lives in the desk directory)."""
    import signal
    import subprocess
    import sys
    import time

    from helpers import run_triage, write_articles

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "TEMP": str(scratch), "TMP": str(scratch)}
    folder = tmp_path / "articles"
    write_articles(folder, 300)
    desk = tmp_path / "desk"
    child = subprocess.Popen(
        [sys.executable, "-m", "triage", "--index", str(desk), "ingest", str(folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(3)  # somewhere in store, analysis or index: any point will do
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    for args in (
        ("ingest", str(folder)),
        ("reindex",),
        ("recluster",),
        ("search", "harbour"),
        ("export", "--format", "csv", "-o", str(tmp_path / "out.csv")),
        ("compact",),
    ):
        done = run_triage("--index", str(desk), *args, env=env)
        assert done.returncode == 0, (args, done.stderr)
    assert sorted(p.name for p in scratch.iterdir()) == []
