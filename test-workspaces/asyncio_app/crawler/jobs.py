"""The crawl loop: scheduling fetches and collecting results."""

import asyncio

from crawler.fetch import fetch_page

background_tasks = set()


async def store(url, html):
    await asyncio.sleep(0)
    return len(html)


async def crawl_once(url):
    html = await fetch_page(url)
    # expect: coroutine-not-awaited confidence=definite
    store(url, html)
    return html


async def crawl_and_store(url):
    html = await fetch_page(url)
    await store(url, html)
    return html


async def crawl_many(urls):
    # expect: task-not-referenced confidence=likely
    asyncio.create_task(crawl_once(urls[0]))
    for url in urls[1:]:
        task = asyncio.create_task(crawl_once(url))
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
    pages = await asyncio.gather(*(fetch_page(url) for url in urls))
    return pages


def describe(status):
    # expect: unsupported-syntax confidence=definite
    match status:
        case 200:
            return "ok"
        case _:
            return "failed"


def main_sync():
    return 0


async def main():
    return await crawl_many(["https://example.com", "https://example.org"])


def run():
    # expect: run-non-coroutine confidence=definite
    asyncio.run(main)


def run_properly():
    asyncio.run(main())


def run_sync():
    # expect: run-non-coroutine confidence=definite
    asyncio.run(main_sync())
