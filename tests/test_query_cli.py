"""The query commands as a user runs them: a real process, JSON that parses, exit codes."""

from __future__ import annotations

import json

import pytest

from conftest import LISTING
from test_cli import one_line_error, stackgraph


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store = tmp_path_factory.mktemp("query-cli") / "store"
    stackgraph("load", "--quiet", str(LISTING), store=store, check=True)
    return store


def test_hosting_json(loaded):
    result = stackgraph("hosting", "ELIXIR", "--format", "json", store=loaded, check=True)
    # Smart Music, ScrollKeeper, Remote.com on AWS; Logflare on Google Cloud
    assert [(row["provider"], row["companies"]) for row in json.loads(result.stdout)] == [("AWS", 3), ("Google Cloud", 1)]


def test_cooccurring_json_and_limit_zero(loaded):
    result = stackgraph("cooccurring", "postgresql", "--limit", "2", "--format", "json", store=loaded, check=True)
    assert [(row["slug"], row["shared"]) for row in json.loads(result.stdout)] == [("aws", 6), ("redis", 6)]
    assert stackgraph("cooccurring", "postgres", "--limit", "0", "--format", "json", store=loaded, check=True).stdout.strip() == "[]"
    csv = stackgraph("timeline", "redis", "--limit", "0", "--format", "csv", store=loaded, check=True)
    assert csv.stdout.strip() == "date,episode,company,in_stack,timestamps"


def test_path_table(loaded):
    result = stackgraph("path", "elixir", "Google Cloud", store=loaded, check=True)
    assert "Elixir <-USES- Logflare -HOSTED_ON-> Google Cloud" in result.stdout


def test_similar_stack_csv(loaded):
    result = stackgraph("similar", "--stack", "rails,postgres,redis", "--limit", "1", "--format", "csv",
                        store=loaded, check=True)
    # rails+postgres+redis: VA.gov 3 shared of 16 -> 3/16, GoRails 3/17, Smart Music 3/23
    assert result.stdout.splitlines()[1].startswith("VA.gov,va-gov,0.1875,")


@pytest.mark.parametrize("args", [["hosting", "elixr"], ["similar", "remote.cmo"], ["path", "elixir", "nowhere-xyz"]])
def test_unknown_name_exits_1_with_suggestions(loaded, args):
    result = stackgraph(*args, store=loaded)
    assert result.returncode == 1
    line = one_line_error(result)
    if args[0] == "hosting":
        assert "did you mean 'Elixir'" in line


def test_usage_errors_exit_2(loaded):
    assert stackgraph("cooccurring", store=loaded).returncode == 2
    assert stackgraph("cooccurring", "postgres", "--all", store=loaded).returncode == 2
    assert stackgraph("similar", store=loaded).returncode == 2
    assert stackgraph("hosting", "elixir", "--limit", "-1", store=loaded).returncode == 2
