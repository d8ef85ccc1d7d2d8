"""Run print(6 * 7) in a Jupyter kernel over its websocket and print what it printed (run by
check_servers.py with a hub venv's Python, for tornado's websocket client).

  python kernel_client.py WS-URL COOKIES
"""

import asyncio
import json
import sys
import uuid

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


async def main(url, cookies):
    ws = await websocket_connect(HTTPRequest(url.replace("http", "ws", 1), headers={"Cookie": cookies}))
    header = {"msg_id": uuid.uuid4().hex, "msg_type": "execute_request", "username": "check",
              "session": uuid.uuid4().hex, "version": "5.3"}
    await ws.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "channel": "shell",
                                       "content": {"code": "print(6 * 7)", "silent": False}}))
    for _ in range(100):
        m = json.loads(await asyncio.wait_for(ws.read_message(), 30))
        if m.get("msg_type") == "stream":
            print(m["content"]["text"].strip())
            return


asyncio.run(main(*sys.argv[1:]))
