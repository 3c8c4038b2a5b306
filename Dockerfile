FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir . \
    && useradd --system --create-home --uid 10001 eventbot \
    && mkdir /data && chown eventbot /data

USER eventbot
VOLUME /data
# the calendar feeds and public pages (`[http] enabled = true`, `host = "0.0.0.0"` inside the container)
EXPOSE 8080
ENTRYPOINT ["eventbot", "run", "--config", "/data/config.toml"]
