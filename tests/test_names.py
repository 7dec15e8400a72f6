"""What a key is called (catalog/names.toml): names that must and must not count."""
from __future__ import annotations

import pytest

from trustcheck.engine.catalog import python_catalog

CATALOG = python_catalog()
# What must count (tests/test_relevance.py checks that a file holding one is parsed).
KEY_IDENTIFIERS = ["api_key", "apiKey", "openai_api_key", "OPENAI_API_KEY", "groq_key", "hf_token", "user_key",
                   "openaiKey", "or_key", "anthropic_api_key", "_api_key", "gemini_key", "x_api_key", "access_token"]
KEY_FIELDS = ["Authorization", "X-Api-Key", "x-openai-key", "api_key", "apiKey", "token", "key", "openai_key"]
KEY_ENV_NAMES = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GROQ_API_KEY", "HF_TOKEN", "GOOGLE_API_KEY",
                 "OPENROUTER_API_KEY", "MY_SERVICE_API_KEY", "OPENAI_KEY"]
KEY_LABELS = ["OpenAI API key", "Your Groq key", "HF token", "Enter your key", "API Key", "sk-..."]
KEY_WIDGETS = ["api_key_input_field", "apiKeyInput", "openaiKeyBox", "input-api-key", "txtApiKey", "api-key",
               "key_input"]


@pytest.mark.parametrize("name", KEY_IDENTIFIERS)
def test_key_identifiers(name):
    assert CATALOG.is_key_name(name)


@pytest.mark.parametrize("name", ["key", "token", "max_tokens", "cache_key", "sort_key", "primary_key",
                                  "secret_key", "keys", "monkey", "token_count", "keyboard", "api_base"])
def test_not_key_identifiers(name):
    assert not CATALOG.is_key_name(name)


@pytest.mark.parametrize("name", KEY_FIELDS)
def test_key_request_fields(name):
    assert CATALOG.is_key_field(name)


@pytest.mark.parametrize("name", ["Content-Type", "User-Agent", "topic", "session_id", "model", "prompt"])
def test_not_key_request_fields(name):
    assert not CATALOG.is_key_field(name)


@pytest.mark.parametrize("name", KEY_ENV_NAMES)
def test_key_env_names(name):
    assert CATALOG.is_key_env(name)


@pytest.mark.parametrize("name", ["SECRET_KEY", "OPENAI_API_BASE", "DATABASE_URL", "PORT", "MODEL", "DEBUG"])
def test_not_key_env_names(name):
    assert not CATALOG.is_key_env(name)


@pytest.mark.parametrize("label", KEY_LABELS)
def test_key_labels(label):
    assert CATALOG.key_label.search(label)


@pytest.mark.parametrize("label", ["Keywords", "Max tokens", "Article URL", "Topic", "Monkey name"])
def test_not_key_labels(label):
    assert not CATALOG.key_label.search(label)


@pytest.mark.parametrize("name", KEY_WIDGETS)
def test_key_widgets(name):
    assert CATALOG.is_key_widget(name)


@pytest.mark.parametrize("name", ["model_input_field", "promptInput", "input", "searchBox", "keyboard_el"])
def test_not_key_widgets(name):
    assert not CATALOG.is_key_widget(name)
