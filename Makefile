# The two commands: `make run` (portal with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MEMBERS ?= 300
HOST ?= 127.0.0.1:8000

.PHONY: install run test test-fast lint bench bench-province backup restore migrate clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

# The development signing key (unencrypted unless SIGNING_KEY_PASSPHRASE is set), made once,
# outside the repository: certificates and cards are signed when rendered.
run: migrate
	$(PY) manage.py signing_keygen --if-missing --no-passphrase
	$(PY) manage.py seed_demo --members $(MEMBERS)
	DEBUG=true $(PY) manage.py runserver $(HOST)

# In parallel (pytest-xdist): TEST_WORKERS processes, `xdist_group`-marked tests together on
# one worker. `make test` builds fresh test databases; `make test-fast` keeps them between runs
# (--reuse-db: run `make test` again after changing migrations). PYTEST_ARGS comes last and
# wins, e.g. PYTEST_ARGS="-n 0 tests/members" for one serial directory.
TEST_WORKERS ?= 2
PYTEST_PARALLEL = -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder
test: install
	$(PY) -m pytest $(PYTEST_PARALLEL) --create-db $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest $(PYTEST_PARALLEL) --reuse-db $(PYTEST_ARGS)

# Benchmarks (PostgreSQL): each prints the project's figure beside a naive baseline.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/laomo_bench
BENCH_MEMBERS ?= 1000000
bench: bench-province

bench-province: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/province.py --members $(BENCH_MEMBERS)

# Backups: database (pg_dump / SQLite copy) + media in one .tar under backups/.
backup: install
	$(PY) manage.py backup $(if $(FILE),--output $(FILE),)

restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/laomo-....tar" && exit 2)
	$(PY) manage.py restore $(FILE)

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
