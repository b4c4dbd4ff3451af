// Search box suggestions: progressive enhancement of every `input[data-suggest]` (the header's
// box, the search page's). Without this file the boxes are plain GET forms to /recherche.
// The ARIA 1.2 combobox pattern: the input keeps the focus, the list is a listbox, the active
// option is `aria-activedescendant`; arrows move, Enter opens, Escape closes.
(function () {
  "use strict";
  var DELAY = 180;
  var MIN_CHARS = 2;
  // The words the script shows (kinds, counts) are data attributes of the box's form.
  function text(input, name) {
    return (input.form && input.form.getAttribute("data-" + name)) || "";
  }

  function sameSite(url) {
    if (typeof url !== "string" || url.charAt(0) !== "/") { return false; }
    try {
      return new URL(url, window.location.origin).origin === window.location.origin;
    } catch (e) {
      return false;
    }
  }

  function enhance(input, n) {
    var listId = "suggest-list-" + n;
    var wrapper = input.parentNode;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(list);
    wrapper.appendChild(status);
    wrapper.classList.add("combo-ready");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      items.forEach(function (item, i) {
        item.el.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].el.id);
        items[index].el.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open(suggestions) {
      close();
      suggestions.filter(function (s) { return s && sameSite(s.url); }).forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "suggest-option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-testid", "suggestion");
        var title = document.createElement("span");
        title.className = "suggest-title";
        title.textContent = s.title;
        var kind = document.createElement("span");
        kind.className = "suggest-kind";
        kind.textContent = text(input, "kind-" + s.kind);
        li.appendChild(title);
        li.appendChild(kind);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { window.location.assign(s.url); });
        list.appendChild(li);
        items.push({ el: li, url: s.url });
      });
      var count = items.length;
      status.textContent = count === 0 ? text(input, "none") : (count === 1 ? text(input, "one") : text(input, "many").replace("{n}", String(count)));
      if (count > 0) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function ask() {
      var value = input.value.trim();
      var mine = ++asked;
      if (value.length < MIN_CHARS) { close(); status.textContent = ""; return; }
      fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(value), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (res) {
        if (!res.ok) { throw new Error("suggest " + res.status); }
        return res.json();
      }).then(function (body) {
        // An answer to an older text is dropped.
        if (mine === asked && document.activeElement === input) { open(body.items || []); }
      }).catch(function () {
        if (mine === asked) { close(); }
      });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "Down") {
        if (items.length === 0) { return; }
        e.preventDefault();
        highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (e.key === "ArrowUp" || e.key === "Up") {
        if (items.length === 0) { return; }
        e.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (e.key === "Enter") {
        if (active >= 0 && items[active]) {
          e.preventDefault();
          window.location.assign(items[active].url);
        }
      } else if (e.key === "Escape" || e.key === "Esc") {
        if (!list.hidden) {
          e.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", function () {
      window.clearTimeout(timer);
      asked++;
      close();
    });
  }

  var inputs = document.querySelectorAll("input[data-suggest]");
  for (var i = 0; i < inputs.length; i++) { enhance(inputs[i], i); }
})();
