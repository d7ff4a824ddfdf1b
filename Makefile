# StackGraph: `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= $(CURDIR)/.store
LISTING := data/running-in-production.txt
NEO4J_SERVER := tests/neo4j_server/neo4j-test-server
NEO4J_ENV := tests/neo4j_server/target/neo4j.env

.PHONY: run test install install-dev clean bench

$(BIN)/stackgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

install: $(BIN)/stackgraph

$(VENV)/.dev-installed: $(BIN)/stackgraph pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install-dev: $(VENV)/.dev-installed

## run: load the bundled listing into the embedded store, then show what it holds
run: install
	$(BIN)/stackgraph --store $(STORE) load $(LISTING)
	$(BIN)/stackgraph --store $(STORE) stats
	@echo; echo "Who uses Elixir?"
	$(BIN)/stackgraph --store $(STORE) who-uses elixir
	@echo; echo "What does GoRails run?"
	$(BIN)/stackgraph --store $(STORE) stack GoRails
	@echo; echo "Where do these companies host?"
	$(BIN)/stackgraph --store $(STORE) cypher \
	  "MATCH (c:Company)-[:HOSTED_ON]->(h:HostingProvider) RETURN h.name AS host, count(DISTINCT c) AS companies ORDER BY companies DESC, host"
	@mkdir -p out
	$(BIN)/stackgraph --store $(STORE) viz --output out/graph.html
	@echo; echo "The whole graph, interactive (works offline): $(CURDIR)/out/graph.html"
	@echo "Serve it (JSON API and web UI at http://127.0.0.1:8000/): $(BIN)/stackgraph --store $(STORE) serve"

## test: the type check, then the whole suite; starts a Neo4j test server when Java and Maven are present
test: install-dev
	$(BIN)/mypy
	@status=0; \
	if $(NEO4J_SERVER) start; then \
	  . ./$(NEO4J_ENV); \
	  $(BIN)/pytest $(PYTEST_ARGS) || status=$$?; \
	  $(NEO4J_SERVER) stop; \
	else \
	  echo "Neo4j test server not started: Neo4j tests will skip (or fail with STACKGRAPH_REQUIRE_NEO4J=1)" >&2; \
	  $(BIN)/pytest $(PYTEST_ARGS) || status=$$?; \
	fi; \
	exit $$status

## bench: scale benchmark (bench/); SIZES=1000,10000 to limit; Neo4j too when Java and Maven are present
SIZES ?= 1000,10000,100000
NEO4J_MAX ?= 100000
# A throughput JVM for the measured Neo4j (the tests' server is tuned to start fast: C1 only, 1 GB).
BENCH_NEO4J_JAVA_OPTS ?= -Xms2g -Xmx4g -XX:+UseParallelGC
bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	@status=0; \
	if NEO4J_JAVA_OPTS="$(BENCH_NEO4J_JAVA_OPTS)" $(NEO4J_SERVER) start; then \
	  . ./$(NEO4J_ENV); \
	  $(BIN)/python -m bench --sizes $(SIZES) --neo4j-max $(NEO4J_MAX) || status=$$?; \
	  $(NEO4J_SERVER) stop; \
	else \
	  echo "Neo4j test server not started: the embedded store only" >&2; \
	  $(BIN)/python -m bench --sizes $(SIZES) || status=$$?; \
	fi; \
	exit $$status

clean:
	rm -rf $(VENV) .store tests/neo4j_server/target *.egg-info
