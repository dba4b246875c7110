FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY config ./config
RUN pip install --no-cache-dir . && useradd --create-home qabot && mkdir /data && chown qabot /data

USER qabot
ENV DATABASE_URL=sqlite:////data/qabot.db \
    QABOT_CONFIG=/app/config/qabot.toml
VOLUME ["/data"]
CMD ["qabot", "run"]
