"""Fetching pages."""

import asyncio
import time

import requests


async def fetch_page(url, retries=3):
    for attempt in range(retries):
        await asyncio.sleep(0.1 * attempt)
        return "<html>" + url + "</html>"
    return ""


async def fetch_blocking(url):
    # expect: blocking-call-in-async confidence=definite
    response = requests.get(url, timeout=10)
    # expect: blocking-call-in-async confidence=definite
    time.sleep(1)
    return response.text


async def fetch_in_thread(url):
    response = await asyncio.to_thread(requests.get, url, timeout=10)
    await asyncio.sleep(1)
    return response.text


def fetch_sync(url):
    time.sleep(1)
    return requests.get(url, timeout=10).text


def parse_links(html):
    # expect: await-outside-async confidence=definite
    await asyncio.sleep(0)
    return [part for part in html.split('"') if part.startswith("http")]
