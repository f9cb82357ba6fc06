// One case's conversation: new messages and events appear without reloading (polling JSON).
// Everything a family or worker wrote is inserted with textContent, never as HTML.
"use strict";

(function () {
  const root = document.getElementById("case");
  const timeline = document.getElementById("timeline");
  let afterMessage = Number(root.dataset.afterMessage) || 0;
  let afterEvent = Number(root.dataset.afterEvent) || 0;
  const seconds = Number(root.dataset.poll) || 3;

  function span(className, text) {
    const element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function itemElement(item) {
    const li = document.createElement("li");
    li.className = "item " + item.kind + (item.author ? " " + item.author : "");
    li.dataset.key = (item.kind === "message" ? "m" : "e") + item.id;
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.appendChild(span("who", item.who));
    if (item.label) meta.appendChild(document.createTextNode(" · " + item.label));
    meta.appendChild(document.createTextNode(" · " + item.at));
    if (item.status) {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(span("status", item.status));
    }
    const body = document.createElement("div");
    body.className = "body";
    body.textContent = item.body;
    li.append(meta, body);
    return li;
  }

  function show(data) {
    const nearBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 80;
    for (const item of data.items) {
      const key = (item.kind === "message" ? "m" : "e") + item.id;
      if (item.kind === "message") afterMessage = Math.max(afterMessage, item.id);
      else afterEvent = Math.max(afterEvent, item.id);
      if (!timeline.querySelector(`[data-key="${key}"]`)) timeline.appendChild(itemElement(item));
    }
    for (const [id, status] of Object.entries(data.statuses)) {
      const shown = timeline.querySelector(`[data-key="m${id}"] .status`);
      if (shown) shown.textContent = status;
    }
    document.getElementById("case-status").textContent = data.case.status_label;
    document.getElementById("case-priority").textContent = data.case.priority_label;
    document.getElementById("case-assignee").textContent = data.case.assignee || "未认领 Unassigned";
    if (data.items.length && nearBottom) timeline.scrollTop = timeline.scrollHeight;
  }

  async function poll() {
    try {
      const url = `${root.dataset.api}?after_message=${afterMessage}&after_event=${afterEvent}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.status === 401) {
        window.location.reload();
        return;
      }
      if (response.ok) show(await response.json());
    } catch (error) {
      // Offline for a moment (a phone between cells): the next poll catches up.
    }
    window.setTimeout(poll, seconds * 1000);
  }

  for (const button of document.querySelectorAll(".canned-reply")) {
    button.addEventListener("click", () => {
      const box = document.getElementById("reply-body");
      box.value = button.dataset.text;
      box.focus();
    });
  }
  timeline.scrollTop = timeline.scrollHeight;
  window.setTimeout(poll, seconds * 1000);
})();
