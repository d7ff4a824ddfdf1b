# StackGraph: `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= $(CURDIR)/.store
LISTING := data/running-in-production.txt
NEO4J_SERVER := tests/neo4j_server/neo4j-test-server
NEO4J_ENV := tests/neo4j_server/target/neo4j.env

.PHONY: run test install install-dev clean bench bench-service

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
	@echo; echo "Browse it and query it over HTTP: $(BIN)/stackgraph --store $(STORE) serve   (then open http://127.0.0.1:8000/)"

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

## bench: the scale benchmark, then the service benchmark (bench/); SIZES=1000,10000 to limit the first,
## SERVICE_SIZES the second; Neo4j too when Java and Maven are present. bench-service: the second only.
SIZES ?= 1000,10000,100000
SERVICE_SIZES ?= 10000,100000
NEO4J_MAX ?= 100000
# A throughput JVM for the measured Neo4j (the tests' server is tuned to start fast: C1 only, 1 GB).
BENCH_NEO4J_JAVA_OPTS ?= -Xms2g -Xmx4g -XX:+UseParallelGC
SCALE_BENCH = $(BIN)/python -m bench --sizes $(SIZES) --neo4j-max $(NEO4J_MAX)
SERVICE_BENCH = $(BIN)/python -m bench service --sizes $(SERVICE_SIZES) --neo4j-max $(NEO4J_MAX)

# $(call with-neo4j,COMMANDS): COMMANDS with the bench's Neo4j server up when it starts, else on the embedded store only.
define with-neo4j
	@status=0; \
	if NEO4J_JAVA_OPTS="$(BENCH_NEO4J_JAVA_OPTS)" $(NEO4J_SERVER) start; then \
	  . ./$(NEO4J_ENV); \
	  { $(1); } || status=$$?; \
	  $(NEO4J_SERVER) stop; \
	else \
	  echo "Neo4j test server not started: the embedded store only" >&2; \
	  { $(1); } || status=$$?; \
	fi; \
	exit $$status
endef

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(call with-neo4j,$(SCALE_BENCH) && $(SERVICE_BENCH))

bench-service: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(call with-neo4j,$(SERVICE_BENCH))

clean:
	rm -rf $(VENV) .store tests/neo4j_server/target *.egg-info
