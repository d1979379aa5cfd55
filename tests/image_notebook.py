"""Executes a notebook through a running Jupyter server's REST and WebSocket API.

    python3 tests/image_notebook.py URL TOKEN NOTEBOOK.ipynb

Starts a kernel of the notebook's kernelspec with POST /api/kernels, sends
every code cell as an execute_request on /api/kernels/ID/channels, and fails
(exit 1) when a cell replies with an error, prints an error, or takes longer
than 300 s. Deletes the kernel afterwards. Uses Debian's python3-tornado.
"""

import asyncio
import json
import sys
import time
import uuid

from tornado import httpclient, ioloop, websocket

CELL_TIMEOUT = 300


def message(session, code):
    msg_id = uuid.uuid4().hex
    return msg_id, {
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": session, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }


async def run(url, token, path):
    nb = json.load(open(path))
    kernel_name = nb["metadata"]["kernelspec"]["name"]
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    source = lambda c: c["source"] if isinstance(c["source"], str) else "".join(c["source"])
    http = httpclient.AsyncHTTPClient()
    auth = {"Authorization": "token " + token}
    resp = await http.fetch(url + "/api/kernels", method="POST", headers=auth,
                            body=json.dumps({"name": kernel_name}))
    kernel = json.loads(resp.body)
    print(f"kernel {kernel['name']} started: {kernel['id']}")
    ws_url = url.replace("http", "ws", 1) + f"/api/kernels/{kernel['id']}/channels"
    conn = await websocket.websocket_connect(httpclient.HTTPRequest(ws_url, headers=auth))
    session = uuid.uuid4().hex
    failures = 0
    try:
        for n, cell in enumerate(cells, 1):
            t0 = time.time()
            msg_id, msg = message(session, source(cell))
            await conn.write_message(json.dumps(msg))
            reply, idle, outputs = None, False, 0
            while reply is None or not idle:
                left = CELL_TIMEOUT - (time.time() - t0)
                if left <= 0:
                    raise TimeoutError(f"cell {n} took more than {CELL_TIMEOUT} s")
                raw = await asyncio.wait_for(conn.read_message(), left)
                if raw is None:
                    raise ConnectionError("the kernel's websocket closed")
                m = json.loads(raw)
                if m.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                t, c = m["msg_type"], m["content"]
                if t == "execute_reply":
                    reply = c
                elif t == "status" and c.get("execution_state") == "idle":
                    idle = True
                elif t == "error":
                    print(f"cell {n}: {c['ename']}: {c['evalue']}")
                elif t == "stream" and c.get("name") == "stderr":
                    print(f"cell {n} stderr: {c['text'][:300]}")
                elif t in ("display_data", "execute_result", "stream"):
                    outputs += 1
            ok = reply.get("status") == "ok"
            failures += not ok
            print(f"cell {n}/{len(cells)}: {reply.get('status')}, {outputs} outputs, {time.time() - t0:.1f} s")
            if not ok:
                break
    finally:
        conn.close()
        await http.fetch(url + f"/api/kernels/{kernel['id']}", method="DELETE", headers=auth)
    return failures


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    url, token, path = sys.argv[1:]
    failures = ioloop.IOLoop.current().run_sync(lambda: run(url.rstrip("/"), token, path))
    if failures:
        print(f"{path}: {failures} cell(s) failed")
        sys.exit(1)
    print(f"{path}: every cell ran without error")


if __name__ == "__main__":
    main()
