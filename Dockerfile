# syntax=docker/dockerfile:1
# python:3.13.14-slim-bookworm: the current 3.13 release on Debian 12 (docker-library/python).
FROM python:3.13.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/reconciler
COPY pyproject.toml README.md ./
COPY reconciler ./reconciler
COPY schemas ./schemas
RUN rm -f reconciler/schemas && cp -r schemas reconciler/schemas \
    && pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 --user-group reconciler

# numeric, so a runtime that enforces runAsNonRoot can check it without /etc/passwd
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["reconciler"]
CMD ["--help"]
