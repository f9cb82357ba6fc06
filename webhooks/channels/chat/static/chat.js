// The web chat: post a message, long-poll for the replies. Served as a file so the page
// can forbid inline script (Content-Security-Policy, as on the staff pages).
const thread = document.getElementById("thread");
const seen = new Set();
let lastId = 0;
let token = localStorage.getItem("chatToken") || "";

function show(m) {
  if (seen.has(m.id)) return;
  seen.add(m.id);
  lastId = Math.max(lastId, m.id);
  append(m.from, m.body);
}

function append(from, body) {
  const div = document.createElement("div");
  div.className = "msg " + from;
  div.textContent = body;
  thread.appendChild(div);
  thread.scrollTop = thread.scrollHeight;
}

async function poll() {
  while (token) {
    try {
      const r = await fetch(`api/messages?after=${lastId}&wait=20`, {headers: {"X-Chat-Token": token}});
      if (r.status === 401) { localStorage.removeItem("chatToken"); token = ""; return; }
      if (r.ok) {
        (await r.json()).messages.forEach(show);
        // A busy helpline answers at once and says when to ask again.
        const later = Number(r.headers.get("Retry-After"));
        if (later) await new Promise(done => setTimeout(done, later * 1000));
      } else await new Promise(done => setTimeout(done, 3000));
    } catch (e) {
      await new Promise(done => setTimeout(done, 3000));
    }
  }
}

// Shown when a message could not be sent; the words stay in the box to send again.
const NOT_SENT = document.querySelector("main").dataset.notSent;

async function send(body) {
  const headers = {"Content-Type": "application/json"};
  const used = token;  // the poll may forget a stale token while this request is on its way
  if (used) headers["X-Chat-Token"] = used;
  let r;
  try {
    r = await fetch("api/messages", {method: "POST", headers, body: JSON.stringify({body})});
  } catch (e) {
    return false;
  }
  if (r.status === 401 && used) {  // the helpline no longer knows this chat: start a new one
    if (token === used) { localStorage.removeItem("chatToken"); token = ""; }
    return send(body);
  }
  if (!r.ok) return false;
  if (!token) {
    token = (await r.json()).token;
    localStorage.setItem("chatToken", token);
    poll();
  }
  return true;
}

document.getElementById("compose").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = document.getElementById("body");
  const body = box.value.trim();
  if (!body) return;
  box.value = "";
  if (!(await send(body))) {
    if (!box.value) box.value = body;
    append("note", NOT_SENT);
  }
});
poll();
