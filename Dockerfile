# syntax=docker/dockerfile:1
# Bedrock Assistant for Slack — runtime image.
#   docker build -t bedrock-assistant .
#   docker run --env-file config/.env -p 3000:3000 bedrock-assistant            # serve (the default)
#   docker run --rm bedrock-assistant bedrock-assistant ask "Nova Micro 가격"     # any other mode
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=3000

WORKDIR /app

# 1. Third-party dependencies, read from pyproject.toml: this layer is rebuilt only when pyproject.toml changes,
#    not on every code change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# 2. The code and the files it reads at run time, side by side under /app.
COPY README.md ./
COPY bot/ bot/
COPY handlers/ handlers/
COPY prompts/ prompts/
COPY config/ config/

# 3. The package itself, installed in place (editable, no dependencies: step 1 did those). In place matters: the
#    defaults of BRA_CATALOG_DIR / BRA_CONCEPTS_DIR (and the prompts) are resolved next to the `bot` package, i.e.
#    /app/config/...; a plain `pip install .` would run a copy in site-packages, where no config/ exists.
#    Byte-code is compiled now because the non-root user cannot write __pycache__ (faster cold start).
RUN pip install --no-cache-dir --no-deps -e . \
    && python -m compileall -q bot handlers \
    && bedrock-assistant --help > /dev/null

# Run as an unprivileged user; the code and data stay root-owned and read-only to it.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin bot
USER bot

EXPOSE 3000

# `serve` answers GET /healthz on $PORT in both modes (HTTP mode: gunicorn; Socket Mode: a health-only listener).
# slim has no curl, so Python does the request; any error or non-2xx fails it. Orchestrators that route traffic
# should use /readyz (503 while Redis does not answer).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)" || exit 1

CMD ["bedrock-assistant", "serve"]
