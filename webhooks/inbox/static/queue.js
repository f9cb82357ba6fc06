// The queue page: counts and the list refresh without reloading; a new urgent case is announced.
"use strict";

(function () {
  const nav = document.getElementById("queues");
  const list = document.getElementById("cases");
  const banner = document.getElementById("new-urgent");
  const seconds = Number(nav.dataset.poll) || 3;
  const title = document.title;
  let urgentSeen = null;
  let shown = "";

  function text(tag, className, value) {
    const element = document.createElement(tag);
    element.className = className;
    element.textContent = value;
    return element;
  }

  function row(c) {
    const li = document.createElement("li");
    li.className = "case " + c.priority;
    li.dataset.id = c.id;
    const link = document.createElement("a");
    link.href = c.url;
    link.append(
      text("span", "num", "#" + c.id),
      document.createTextNode(" "),
      text("span", "badge " + c.priority, c.priority_label),
    );
    if (c.escalated) link.append(text("span", "badge overdue", "超时 Overdue"));
    link.append(
      text("span", "place", c.place),
      text("span", "summary", c.summary),
      text("span", "meta", c.opened + " · " + (c.assignee || "未认领 Unassigned")),
    );
    li.appendChild(link);
    return li;
  }

  function show(data) {
    for (const tab of nav.querySelectorAll("[data-queue]")) {
      const count = data.counts[tab.dataset.queue];
      tab.querySelector(".count").textContent = count;
      if (tab.dataset.queue === "urgent") tab.classList.toggle("alarm", count > 0);
    }
    if (urgentSeen !== null && data.counts.urgent > urgentSeen) {
      banner.hidden = false;
      document.title = "(!) " + title;
    }
    urgentSeen = data.counts.urgent;
    const key = JSON.stringify(data.cases.map((c) => [c.id, c.assignee, c.priority, c.escalated]));
    if (key === shown) return;
    shown = key;
    list.replaceChildren(...data.cases.map(row));
    if (!data.cases.length) list.appendChild(text("li", "empty", "没有案件 No cases"));
  }

  async function poll() {
    try {
      const queue = encodeURIComponent(nav.dataset.current);
      const url = `${nav.dataset.api}?queue=${queue}&page=${nav.dataset.page || 1}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.status === 401) {
        window.location.reload();
        return;
      }
      if (response.ok) show(await response.json());
    } catch (error) {
      // Offline for a moment: the next poll catches up.
    }
    window.setTimeout(poll, seconds * 1000);
  }

  poll();
})();
