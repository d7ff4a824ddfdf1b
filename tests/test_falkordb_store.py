"""The embedded FalkorDB store against a real redis-server: no mocks.

Expected values are worked out by hand from the small documents below.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from graph import GraphDocument, Node, QueryError, StoreError, StoreUnavailable
from domain.schema import SCHEMA
from graph.falkordb_params import cypher_parameters
from graph.falkordb_store import FalkorDBStore
from process_helpers import alive, python, server_pid, wait_until_gone
from small_document import EXPECTED_COUNTS, small_document

# -- loading and persistence --------------------------------------------------


def test_upserting_twice_gives_the_same_counts(tmp_path):
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        store.upsert(small_document())
        assert store.counts() == EXPECTED_COUNTS
        store.upsert(small_document())
        assert store.counts() == EXPECTED_COUNTS
        assert store.run("MATCH (:Company {id: 'acme'})-[u:USES]->(t {id: 'aws'}) RETURN u.episode AS e") == [
            {"e": "2019-01-01-acme"}
        ]


def test_data_survives_close_and_reopen(tmp_path):
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        store.upsert(small_document())
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        assert store.counts() == EXPECTED_COUNTS
        assert store.run("MATCH (c:Company) RETURN c.name AS name, c.inferred AS inferred") == [
            {"name": "Acme", "inferred": False}
        ]


def test_a_close_after_reads_only_leaves_the_snapshot_as_it_was(tmp_path):
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        store.upsert(small_document())
    snapshot = tmp_path / "store" / "graph.rdb"
    saved = snapshot.stat()
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        assert store.counts() == EXPECTED_COUNTS
    assert (snapshot.stat().st_ino, snapshot.stat().st_mtime_ns) == (saved.st_ino, saved.st_mtime_ns)
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        store.run("CREATE (:Technology {id: 'cobol'})", write=True)
    assert snapshot.stat().st_mtime_ns > saved.st_mtime_ns  # a write is saved on close
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        assert store.run("MATCH (t:Technology {id: 'cobol'}) RETURN count(t) AS n") == [{"n": 1}]


def test_a_large_server_log_is_rotated_at_start(tmp_path):
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA):
        pass
    log = tmp_path / "store" / "falkordb.log"
    small = log.read_bytes()
    assert b"Ready to accept connections" in small
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA):  # under 1 MB: appended to
        pass
    assert log.read_bytes().startswith(small) and len(log.read_bytes()) > len(small)
    log.write_bytes(b"old line\n" * 120_000)  # 1.08 MB
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA):
        pass
    assert (tmp_path / "store" / "falkordb.log.1").read_bytes() == b"old line\n" * 120_000
    assert b"old line" not in log.read_bytes() and b"Ready to accept connections" in log.read_bytes()


def test_kill_9_of_the_owner_takes_its_server_down_and_keeps_the_data(tmp_path):
    store_dir = tmp_path / "store"
    owner = python(
        """
        import sys, time
        from domain.schema import SCHEMA
        from graph.falkordb_store import FalkorDBStore
        from graph.model import GraphDocument, Node
        store = FalkorDBStore(sys.argv[1], schema=SCHEMA)
        doc = GraphDocument()
        doc.add_node(Node("Person", "ada", {"name": "Ada"}))
        doc.add_node(Node("Person", "grace", {"name": "Grace"}))
        store.upsert(doc)
        print("loaded", flush=True)
        time.sleep(60)
        """,
        str(store_dir),
    )
    assert owner.stdout.readline() == "loaded\n", owner.stderr.read()
    pid = server_pid(store_dir)
    assert alive(pid)
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    assert wait_until_gone(pid, 5), "the owner's redis-server outlived it"
    with FalkorDBStore(store_dir, schema=SCHEMA) as store:
        assert store.run("MATCH (p:Person) RETURN p.name AS name ORDER BY name") == [
            {"name": "Ada"},
            {"name": "Grace"},
        ]


def test_a_server_orphaned_by_its_owner_is_stopped_by_the_next_open(tmp_path):
    store_dir = tmp_path / "store"
    owner = python(
        """
        import sys, time
        import graph.falkordb_server
        graph.falkordb_server._die_with_parent = lambda pid: None  # as where there is no PR_SET_PDEATHSIG
        from domain.schema import SCHEMA
        from graph.falkordb_store import FalkorDBStore
        store = FalkorDBStore(sys.argv[1], schema=SCHEMA)
        store.run("CREATE (:Person {id: 'ada'})", write=True)
        print("loaded", flush=True)
        time.sleep(60)
        """,
        str(store_dir),
    )
    assert owner.stdout.readline() == "loaded\n", owner.stderr.read()
    orphan = server_pid(store_dir)
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    time.sleep(0.5)
    assert alive(orphan), "without the death signal the server should have outlived its owner"
    with FalkorDBStore(store_dir, schema=SCHEMA) as store:
        assert not alive(orphan)
        assert server_pid(store_dir) != orphan
        assert store.run("MATCH (p:Person) RETURN p.id AS id") == [{"id": "ada"}]


# A server that loads its snapshot slowly: redis's key-load-delay (microseconds per key) keeps it
# loading, and silent, for as long as a deadlocked or very large load would.
SLOW_OPEN = """
    import sys
    import graph.falkordb_server as server
    command = server.EmbeddedFalkorDB._command
    server.EmbeddedFalkorDB._command = lambda self: command(self) + ["--key-load-delay", sys.argv[2]]
    from domain.schema import SCHEMA
    from graph.errors import StoreError
    from graph.falkordb_store import FalkorDBStore
    try:
        FalkorDBStore(sys.argv[1], schema=SCHEMA).close()
        print("opened")
    except StoreError as error:
        print(error)
"""


def store_with_a_snapshot(store_dir: Path) -> None:
    with FalkorDBStore(store_dir, schema=SCHEMA) as store:
        store.run("CREATE (:Person {id: 'ada'})", write=True)


def test_a_server_slow_to_load_is_said_to_be_loading_and_waited_for_a_bounded_time(tmp_path):
    store_dir = tmp_path / "store"
    store_with_a_snapshot(store_dir)
    size = (store_dir / "graph.rdb").stat().st_size
    opener = python(SLOW_OPEN, str(store_dir), "60000000", env={"STACKGRAPH_START_TIMEOUT": "3"})
    out, err = opener.communicate(timeout=60)
    assert err == f"loading the store's snapshot ({size:,} bytes) …\n"
    assert out.startswith(f"the FalkorDB server for {store_dir} was still loading after 3 s (")
    assert out.endswith("); raise STACKGRAPH_START_TIMEOUT to wait longer\n")
    assert not alive(server_pid(store_dir))  # its pid file, left by a SIGKILL
    with FalkorDBStore(store_dir, schema=SCHEMA) as store:  # the data kept
        assert store.run("MATCH (p:Person) RETURN p.id AS id") == [{"id": "ada"}]


def test_a_server_stuck_loading_after_its_owner_died_is_stopped_at_once_by_the_next_open(tmp_path, capfd):
    store_dir = tmp_path / "store"
    store_with_a_snapshot(store_dir)
    log = store_dir / "falkordb.log"
    logged = log.stat().st_size
    owner = python(SLOW_OPEN, str(store_dir), "60000000")
    deadline = time.monotonic() + 60
    while b"Loading RDB" not in log.read_bytes()[logged:]:
        assert time.monotonic() < deadline and owner.poll() is None, owner.stderr.read() if owner.poll() else "no load"
        time.sleep(0.05)
    stuck = server_pid(store_dir)
    os.kill(stuck, signal.SIGSTOP)  # as a deadlocked load: the death signal's SIGTERM goes unheard
    try:
        owner.kill()
        owner.wait()
        time.sleep(0.5)
        assert alive(stuck)
        started = time.monotonic()
        with FalkorDBStore(store_dir, schema=SCHEMA) as store:
            assert store.run("MATCH (p:Person) RETURN p.id AS id") == [{"id": "ada"}]
        assert time.monotonic() - started < 15  # not the 30 s a stopping server is given to save
        assert not alive(stuck)
        assert capfd.readouterr().err == (
            f"stopping the FalkorDB server (pid {stuck}) that a stackgraph process which died left loading "
            f"on {store_dir} …\n"
        )
    finally:
        if alive(stuck):
            os.kill(stuck, signal.SIGKILL)


def test_a_stale_pid_file_naming_another_process_is_left_alone(tmp_path):
    store_dir = tmp_path / "store"
    FalkorDBStore(store_dir, schema=SCHEMA).close()
    bystander = subprocess.Popen(["sleep", "30"])
    try:
        (store_dir / "falkordb.pid").write_text(f"{bystander.pid}\n")
        with FalkorDBStore(store_dir, schema=SCHEMA) as store:
            assert store.run("RETURN 1 AS one") == [{"one": 1}]
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_a_server_that_cannot_start_is_reported_with_its_last_log_line(tmp_path):
    store_dir = tmp_path / "store"
    FalkorDBStore(store_dir, schema=SCHEMA).close()
    (store_dir / "graph.rdb").write_text("REDIS9999")  # a snapshot of a format to come
    with pytest.raises(StoreUnavailable) as raised:
        FalkorDBStore(store_dir, schema=SCHEMA)
    message = str(raised.value)
    assert message.startswith(f"the FalkorDB server for {store_dir} exited at start (code 1): ")
    assert message.endswith("Can't handle RDB format version 9999")


def test_a_snapshot_that_is_not_one_says_so_in_one_line(tmp_path):
    store_dir = tmp_path / "store"
    FalkorDBStore(store_dir, schema=SCHEMA).close()
    (store_dir / "graph.rdb").write_text("garbage\n")
    with pytest.raises(StoreUnavailable) as raised:
        FalkorDBStore(store_dir, schema=SCHEMA)
    assert str(raised.value) == (
        f"the snapshot {store_dir / 'graph.rdb'} ends too early (8 bytes): it is truncated or damaged; "
        "restore it from a copy, or move it away to open the store empty"
    )


def test_a_snapshot_truncated_by_half_says_so_and_not_suspect_ram(tmp_path):
    store_dir = tmp_path / "store"
    with FalkorDBStore(store_dir, schema=SCHEMA) as store:
        store.upsert(small_document())
        store.run("UNWIND range(1, 2000) AS i CREATE (:Filler {id: i, text: 'some words to fill a page'})",
                  write=True)
    snapshot = store_dir / "graph.rdb"
    half = snapshot.stat().st_size // 2
    os.truncate(snapshot, half)
    with pytest.raises(StoreUnavailable) as raised:
        FalkorDBStore(store_dir, schema=SCHEMA)
    assert str(raised.value) == (
        f"the snapshot {snapshot} ends too early ({half:,} bytes): it is truncated or damaged; "
        "restore it from a copy, or move it away to open the store empty"
    )
    assert not list(store_dir.glob("temp-*.rdb"))


# -- the store directory ---------------------------------------------------------


def test_a_new_directory_is_created_and_marked(tmp_path):
    store_dir = tmp_path / "a" / "b"
    FalkorDBStore(store_dir, schema=SCHEMA).close()
    assert (store_dir / "stackgraph-store.json").read_text() == '{"format": 1, "backend": "falkordb"}\n'


def test_an_empty_existing_directory_becomes_a_store(tmp_path):
    with FalkorDBStore(tmp_path, schema=SCHEMA) as store:
        assert store.describe() == str(tmp_path)
        assert store.run("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_a_non_empty_directory_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError) as raised:
        FalkorDBStore(tmp_path, schema=SCHEMA)
    assert str(raised.value) == (
        f"{tmp_path} is not a StackGraph store (no stackgraph-store.json); choose an empty directory"
    )
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_a_file_is_refused(tmp_path):
    path = tmp_path / "store"
    path.write_text("not a directory")
    with pytest.raises(StoreError) as raised:
        FalkorDBStore(path, schema=SCHEMA)
    assert str(raised.value) == f"cannot use {path} as a store: it is a file, not a directory"


def test_a_directory_under_a_file_is_refused_with_the_cause(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError) as raised:
        FalkorDBStore(tmp_path / "file" / "store", schema=SCHEMA)
    assert str(raised.value) == f"cannot use {tmp_path / 'file' / 'store'} as a store: Not a directory"


def test_a_directory_too_deep_for_a_unix_socket_is_refused(tmp_path):
    path = tmp_path / ("x" * 100)
    with pytest.raises(StoreError) as raised:
        FalkorDBStore(path, schema=SCHEMA)
    assert str(raised.value) == (
        f"cannot use {path} as a store: its path is too long for a Unix socket; choose a shorter directory"
    )
    assert not path.exists()


def test_a_store_of_another_format_is_refused(tmp_path):
    (tmp_path / "stackgraph-store.json").write_text('{"format": 2, "backend": "falkordb"}')
    with pytest.raises(StoreError, match="is a store this stackgraph cannot open"):
        FalkorDBStore(tmp_path, schema=SCHEMA)


def test_opening_the_same_store_twice_in_one_process_fails_at_once(tmp_path):
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA):
        with pytest.raises(StoreError) as raised:
            FalkorDBStore(tmp_path / "store", schema=SCHEMA)
    assert str(raised.value) == f"{tmp_path / 'store'} is already open in this process; close that store first"
    FalkorDBStore(tmp_path / "store", schema=SCHEMA).close()  # once closed, it opens again


def test_close_is_idempotent_and_a_closed_store_says_so(tmp_path):
    store = FalkorDBStore(tmp_path / "store", schema=SCHEMA)
    pid = server_pid(tmp_path / "store")
    store.close()
    store.close()
    assert not alive(pid)
    with pytest.raises(StoreError, match="is closed"):
        store.run("RETURN 1")


# -- two processes ----------------------------------------------------------------

LOADER = """
    import sys, time
    from pathlib import Path
    from domain.schema import SCHEMA
    from graph.falkordb_store import FalkorDBStore
    from tests.small_document import small_document
    store_dir, name = Path(sys.argv[1]), sys.argv[2]
    with FalkorDBStore(store_dir, schema=SCHEMA) as store:
        with open(store_dir.parent / "order", "a") as order:
            order.write(name + "\\n")
        print("opened", flush=True)
        store.upsert(small_document())
        while not (store_dir.parent / ("release-" + name)).exists():
            time.sleep(0.02)
    print("done", flush=True)
"""


def release(store_dir: Path, name: str) -> None:
    (store_dir.parent / f"release-{name}").touch()


def test_two_processes_loading_one_store_take_turns_and_the_second_says_for_whom(tmp_path):
    store_dir = tmp_path / "store"
    first = python(LOADER, str(store_dir), "first")
    assert first.stdout.readline() == "opened\n", first.stderr.read()
    second = python(LOADER, str(store_dir), "second")
    said = second.stderr.readline()
    release(store_dir, "first")
    release(store_dir, "second")
    first_out, first_err = first.communicate(timeout=60)
    second_out, second_err = second.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert first_out == "done\n" and first_err == ""
    assert second_out == "opened\ndone\n" and second_err == ""
    assert said == f"waiting for another stackgraph process (pid {first.pid}: python -c {store_dir} first) to release {store_dir} …\n"
    with FalkorDBStore(store_dir, schema=SCHEMA) as store:
        assert store.counts() == EXPECTED_COUNTS


def test_waiting_processes_get_the_store_in_the_order_they_asked_for_it(tmp_path):
    store_dir = tmp_path / "store"
    names = ["first", "w1", "w2", "w3", "w4", "w5"]
    first = python(LOADER, str(store_dir), "first")
    assert first.stdout.readline() == "opened\n", first.stderr.read()
    waiters = []
    for ahead, name in enumerate(names[1:]):
        waiter = python(LOADER, str(store_dir), name)
        said = waiter.stderr.readline()  # once it says so, it is queued
        queued = f"; {ahead} more queued before this one" if ahead else ""
        assert said == (f"waiting for another stackgraph process (pid {first.pid}: python -c {store_dir} first) "
                         f"to release {store_dir}{queued} …\n")
        waiters.append(waiter)
    for name in names:
        release(store_dir, name)
    for process in [first, *waiters]:
        out, err = process.communicate(timeout=120)
        assert (process.returncode, out) == (0, "done\n" if process is first else "opened\ndone\n"), err
    assert (tmp_path / "order").read_text().split() == names
    assert [path.name for path in (store_dir / "stackgraph.queue").iterdir() if path.name[0].isdigit()] == []


def test_a_waiter_that_died_does_not_hold_up_those_behind_it(tmp_path):
    store_dir = tmp_path / "store"
    first = python(LOADER, str(store_dir), "first")
    assert first.stdout.readline() == "opened\n", first.stderr.read()
    doomed = python(LOADER, str(store_dir), "doomed")
    doomed.stderr.readline()
    last = python(LOADER, str(store_dir), "last")
    last.stderr.readline()
    doomed.kill()
    doomed.wait()
    release(store_dir, "first")
    release(store_dir, "last")
    for process in (first, last):
        out, err = process.communicate(timeout=60)
        assert (process.returncode, out) == (0, "done\n" if process is first else "opened\ndone\n"), err
    assert (tmp_path / "order").read_text().split() == ["first", "last"]


def test_a_process_that_waits_too_long_gives_up_naming_the_store(tmp_path):
    store_dir = tmp_path / "store"
    with FalkorDBStore(store_dir, schema=SCHEMA):
        waiter = python(
            """
            import sys
            from graph.errors import StoreError
            from domain.schema import SCHEMA
            from graph.falkordb_store import FalkorDBStore
            try:
                FalkorDBStore(sys.argv[1], schema=SCHEMA)
            except StoreError as error:
                print(error)
            """,
            str(store_dir),
            env={"STACKGRAPH_LOCK_TIMEOUT": "0.3"},
        )
        out, err = waiter.communicate(timeout=30)
    assert out == (
        f"{store_dir} is still in use by another stackgraph process after 0.3 s; "
        "try again when it is done, or raise STACKGRAPH_LOCK_TIMEOUT\n"
    )
    assert err.startswith(f"waiting for another stackgraph process (pid {os.getpid()}: ")
    assert err.endswith(f") to release {store_dir} …\n") and err.count("\n") == 1


def test_an_open_without_waiting_says_nothing(tmp_path, capfd):
    FalkorDBStore(tmp_path / "store", schema=SCHEMA).close()
    assert capfd.readouterr() == ("", "")


# -- queries ------------------------------------------------------------------------


def test_a_write_in_a_read_only_run_is_refused_and_changes_nothing(tmp_path):
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        store.upsert(small_document())
        with pytest.raises(QueryError) as raised:
            store.run("MATCH (p:Person) DETACH DELETE p")
        assert str(raised.value) == "read-only: this statement writes; pass write=True (--write on the CLI)"
        with pytest.raises(QueryError):
            store.run("CREATE (:Person {id: 'intruder'})")
        assert store.counts() == EXPECTED_COUNTS


def test_a_syntax_error_is_one_line_from_the_server(tmp_path):
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        with pytest.raises(QueryError) as raised:
            store.run("MATCH (n RETURN n")
    assert "\n" not in str(raised.value)
    assert "Invalid input 'R'" in str(raised.value)


TRICKY_STRINGS = [
    'say "hi"',
    "it's",
    "back\\slash",
    "ends with a backslash\\",
    '\\"',
    "\\n is not a newline",
    "line one\nline two\r\n\ttabbed",
    "ünïcödé ✓ 日本語 😀",
    "<img src=x onerror=alert(1)>",
    "“curly” ‘quotes’",
    "$rows } ] ) // /* not a comment",
    "",
]


@pytest.mark.parametrize("text", TRICKY_STRINGS)
def test_string_parameters_round_trip(tmp_path_factory, text):
    with FalkorDBStore(tmp_path_factory.mktemp("store"), schema=SCHEMA) as store:
        assert store.run("RETURN $s AS s, size($s) AS n", {"s": text}) == [{"s": text, "n": len(text)}]
        store.run("CREATE (:Link {url: $url, note: $note})", {"url": "u", "note": text}, write=True)
        assert store.run("MATCH (l:Link {note: $note}) RETURN l.note AS note", {"note": text}) == [{"note": text}]


def test_other_parameter_values_round_trip(tmp_path):
    values = {
        "t": True,
        "f": False,
        "none": None,
        "big": 2**63 - 1,
        "small": -(2**63),
        "half": 0.5,
        "tiny": 1e-07,
        "list": [1, "two", [3.5], None],
        "map": {"a b": 1, "@type": "x"},
    }
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        assert store.run(
            "RETURN $t AS t, $f AS f, $none AS none, $big AS big, $small AS small, "
            "$half AS half, $tiny AS tiny, $list AS list, $map AS map",
            values,
        ) == [values]
        rows = [{"key": "acme", "props": {"name": 'Acme "the" Co\\', "inferred": True}}]
        store.run("UNWIND $rows AS row MERGE (c:Company {id: row.key}) SET c += row.props", {"rows": rows}, write=True)
        assert store.run("MATCH (c:Company) RETURN c") == [
            {"c": {"_labels": ["Company"], "id": "acme", "name": 'Acme "the" Co\\', "inferred": True}}
        ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\0b", "parameter p: strings cannot contain NUL characters"),
        (2**64, "parameter p: integer 18446744073709551616 does not fit in 64 bits"),
        (math.inf, "parameter p: inf is not a number FalkorDB can store"),
        (math.nan, "parameter p: nan is not a number FalkorDB can store"),
        (date(2024, 1, 2), "parameter p: a date cannot be sent to FalkorDB; use str, int, float, bool, None, list or dict"),
        ({"`": 1}, "parameter p: map key '`' cannot be sent to FalkorDB"),
        ("\ud800", "parameter p: the string is not valid Unicode (lone surrogate)"),
    ],
)
def test_parameters_the_client_would_mangle_are_refused(value, message):
    with pytest.raises(QueryError) as raised:
        cypher_parameters({"p": value})
    assert str(raised.value) == message


def test_parameter_prefix_quotes_and_escapes():
    assert cypher_parameters({"s": 'a"b\\c', "n": [1, None, True]}) == 'CYPHER s="a\\"b\\\\c" n=[1,null,true] '
    assert cypher_parameters({"m": {"k": "v"}}) == 'CYPHER m={`k`:"v"} '
    assert cypher_parameters(None) == ""
    with pytest.raises(QueryError, match="not a Cypher identifier"):
        cypher_parameters({"a b": 1})


def test_nodes_relationships_and_paths_come_back_as_plain_python(tmp_path):
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        store.upsert(small_document())
        rows = store.run(
            "MATCH p = (c:Company)-[r:HOSTED_ON]->(t:Technology) "
            "RETURN c, r, t, p, [t.name, {kind: t.category}] AS nested"
        )
    acme = {"_labels": ["Company"], "id": "acme", "name": "Acme", "inferred": False}
    aws = {"_labels": ["HostingProvider", "Technology"], "id": "aws", "name": "AWS", "category": "hosting"}
    hosted_on = {"_type": "HOSTED_ON"}
    assert rows == [
        {"c": acme, "r": hosted_on, "t": aws, "p": [acme, hosted_on, aws], "nested": ["AWS", {"kind": "hosting"}]}
    ]
    assert type(rows[0]["nested"][1]) is dict


def test_a_longer_path_alternates_nodes_and_relationships(tmp_path):
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        store.upsert(small_document())
        rows = store.run(
            "MATCH p = (:Person {id: 'ada'})-[:APPEARED_ON]->(:Episode)-[:FEATURES]->(:Company) RETURN p"
        )
    assert rows == [
        {
            "p": [
                {"_labels": ["Person"], "id": "ada", "name": "Ada"},
                {"_type": "APPEARED_ON"},
                {"_labels": ["Episode"], "id": "2019-01-01-acme", "title": "Acme on AWS", "date": "2019-01-01"},
                {"_type": "FEATURES"},
                {"_labels": ["Company"], "id": "acme", "name": "Acme", "inferred": False},
            ]
        }
    ]


def test_a_failing_write_statement_is_named_at_the_next_call_and_the_others_are_applied(tmp_path):
    from graph.writer import UpsertStatement

    statements = [
        UpsertStatement("UNWIND $rows AS row MERGE (:Person {id: row.key})", [{"key": "ada"}]),
        UpsertStatement("UNWIND $rows AS row MERGE (:Person {id: row.key)", [{"key": "bob"}]),
        UpsertStatement("UNWIND $rows AS row MERGE (:Person {id: row.key})", [{"key": "cy"}]),
    ]
    store = FalkorDBStore(tmp_path / "store", schema=SCHEMA)
    store.write(statements)
    with pytest.raises(QueryError, match=r"^write statement 2 of 3 failed, the others were applied: "):
        store.run("RETURN 1")
    assert store.run("MATCH (p:Person) RETURN p.id AS id ORDER BY id") == [{"id": "ada"}, {"id": "cy"}]
    store.write(statements)
    # A failure still unconfirmed when the store closes is raised by close, once the server has stopped.
    with pytest.raises(QueryError, match=r"^write statement 2 of 3 failed"):
        store.close()
    assert not (tmp_path / "store" / "falkordb.pid").exists()


def test_a_store_written_in_batches_reopens(tmp_path):
    """A loaded store reopens with its data.

    Batches once went as MULTI/EXEC blocks, and redis-server then aborted at some
    reopens while replaying its AOF; that showed in test_cli (a load, then many
    commands, each reopening the store) more often than here.
    """
    from conftest import LISTING
    from loaders.pipeline import load_listings

    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        load_listings([LISTING], store)
    for _ in range(3):
        with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
            assert store.run("MATCH (e:Episode) RETURN count(e) AS n") == [{"n": 10}]


def test_ensure_schema_twice_indexes_every_key_but_the_topics_once(tmp_path):
    """Topics are created with their episode and reached through it: a key index would only cost
    writes. What was said is searched: topics' text, episodes' titles and descriptions in full text."""
    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        store.ensure_schema()
        store.ensure_schema()
        rows = store.run("CALL db.indexes() YIELD label, types RETURN label, types ORDER BY label")
    key = ["RANGE"]
    assert rows == [
        {"label": "Company", "types": {"id": key}},
        {"label": "Decision", "types": {"id": key}},
        {"label": "Episode", "types": {"id": key, "title": ["FULLTEXT"], "description": ["FULLTEXT"]}},
        {"label": "Feed", "types": {"url": key}},
        {"label": "Library", "types": {"id": key}},
        {"label": "Link", "types": {"url": key}},
        {"label": "Person", "types": {"id": key}},
        {"label": "Podcast", "types": {"id": key}},
        {"label": "Technology", "types": {"id": key}},
        {"label": "Topic", "types": {"text": ["FULLTEXT"]}},
    ]


def test_an_upsert_indexes_a_new_node_once_and_an_unchanged_one_not_again(tmp_path):
    """FalkorDB indexes a node again on every SET, leaving the old entry as garbage that its
    collector forks the server to clear: a load should leave one entry per node."""

    def index_entries(store: FalkorDBStore) -> dict[str, tuple[int, int]]:
        rows = store.run("CALL db.indexes() YIELD label, info RETURN label, info ORDER BY label")
        return {row["label"]: (row["info"]["numDocuments"], row["info"]["maxDocId"]) for row in rows if row["info"]["numDocuments"]}

    with FalkorDBStore(tmp_path / "store", schema=SCHEMA) as store:
        store.ensure_schema()
        store.upsert(small_document())
        store.upsert(small_document())
        assert index_entries(store) == {"Company": (1, 1), "Episode": (2, 2), "Person": (2, 2), "Podcast": (1, 1), "Technology": (2, 2)}
        renamed = GraphDocument()
        renamed.add_node(Node("Company", "acme", {"name": "Acme Inc"}))
        store.upsert(renamed)
        assert index_entries(store)["Company"] == (1, 2)
        assert store.run("MATCH (c:Company) RETURN c.name AS name") == [{"name": "Acme Inc"}]


def test_a_store_opened_from_a_thread_that_ended_keeps_its_server(tmp_path):
    opened: list[FalkorDBStore] = []
    opener = threading.Thread(target=lambda: opened.append(FalkorDBStore(tmp_path / "store", schema=SCHEMA)))
    opener.start()
    opener.join()
    time.sleep(0.3)  # a death signal tied to the ended thread would have stopped the server by now
    with opened[0] as store:
        assert store.run("RETURN 1 AS one") == [{"one": 1}]


def _reference_literal(value, name):
    """The straightforward type-by-type encoder the fast one must match, character for character."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise QueryError(f"parameter {name}: integer {value} does not fit in 64 bits")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QueryError(f"parameter {name}: {value} is not a number FalkorDB can store")
        return repr(value)
    if isinstance(value, str):
        if "\0" in value:
            raise QueryError(f"parameter {name}: strings cannot contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise QueryError(f"parameter {name}: the string is not valid Unicode (lone surrogate)") from None
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_reference_literal(item, name) for item in value) + "]"
    if isinstance(value, dict):
        entries = []
        for key, item in value.items():
            if not isinstance(key, str) or not key or "`" in key or "\0" in key:
                raise QueryError(f"parameter {name}: map key {key!r} cannot be sent to FalkorDB")
            entries.append(f"`{key}`:{_reference_literal(item, name)}")
        return "{" + ",".join(entries) + "}"
    raise QueryError(
        f"parameter {name}: a {type(value).__name__} cannot be sent to FalkorDB; "
        "use str, int, float, bool, None, list or dict"
    )


def test_the_encoder_matches_a_type_by_type_reference_on_many_values():
    """The encoder writes the common values of a load's rows inline: it must say what the plain rules say."""
    import enum
    import random

    class Level(enum.IntEnum):
        HIGH = 3

    class Text(str):
        pass

    rnd = random.Random(7)
    chars = ['a', 'Z', '"', '\\', '\n', '\r', '\t', "'", '`', 'é', '€', '😀', '\u2028', '\ufeff', ' ', '{', '\x01', '\0', '\ud800', '$']

    def text():
        return "".join(rnd.choice(chars if rnd.random() < 0.3 else "abc xyz") for _ in range(rnd.randint(0, 10)))

    def value(depth=0):
        roll = rnd.random()
        if depth < 3 and roll < 0.15:
            return [value(depth + 1) for _ in range(rnd.randint(0, 4))]
        if depth < 3 and roll < 0.3:
            return {(text() if rnd.random() < 0.9 else rnd.choice([1, "", "a`b", Text("k")])) or "k": value(depth + 1) for _ in range(rnd.randint(0, 4))}
        if depth < 3 and roll < 0.33:
            return tuple(value(depth + 1) for _ in range(rnd.randint(0, 3)))
        return rnd.choice([None, True, False, rnd.randint(-10**6, 10**6), 2**63 - 1, -(2**63), 2**63, -(2**63) - 1,
                           1.5, -0.0, 1e300, math.inf, math.nan, text(), text(), Text('x"y'), Level.HIGH, date(2024, 1, 2)])

    def outcome(encode, params):
        try:
            return encode(params)
        except QueryError as error:
            return ("error", str(error))

    def reference(params):
        return "CYPHER " + " ".join(f"{name}={_reference_literal(v, name)}" for name, v in params.items()) + " "

    for _ in range(20000):
        params = {"p": value(), "rows": [{"key": text(), "props": {"name": value(), "n": value()}} for _ in range(rnd.randint(0, 3))]}
        assert outcome(cypher_parameters, params) == outcome(reference, params), params


@pytest.mark.parametrize("depth", [33, 900, 5000])
def test_parameters_nested_too_deep_are_refused_in_one_line(depth):
    nested_list: object = 1
    nested_map: object = 1
    for _ in range(depth):
        nested_list, nested_map = [nested_list], {"k": nested_map}
    for value in (nested_list, nested_map):
        with pytest.raises(QueryError, match=r"^parameter p: lists and maps nested more than 32 deep cannot be sent$"):
            cypher_parameters({"p": value})
