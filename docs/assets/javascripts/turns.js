// Arriving from a search result (?h=query), the searched words are marked on the page until the
// reader clears them. Terms match as in search.js: case-blind, spaces allowed where Chinese meets
// other text, whole words at Latin edges.
(function () {
  "use strict";
  var query = new URLSearchParams(window.location.search).get("h");
  var article = document.querySelector("article.md-content__inner");
  if (!query || !article) return;
  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

  function pattern(term) {
    var chars = Array.from(term);
    var source = chars.map(function (char, i) {
      var gap = i > 0 && (CJK.test(char) || CJK.test(chars[i - 1])) ? "\\s*" : "";
      return gap + char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("");
    if (/^[a-z0-9]/i.test(term)) source = "(?<![a-z0-9])" + source;
    if (/[a-z0-9]$/i.test(term)) source += "(?![a-z0-9])";
    return source;
  }

  var terms = query.normalize("NFKC").split(/\s+/).filter(Boolean);
  if (!terms.length) return;
  var matcher = new RegExp(terms.map(pattern).join("|"), "giu");
  var skip = "script, style, mark, button, .headerlink, .turn__link, .interview-meta";
  var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  var nodes = [];
  while (walker.nextNode()) {
    if (!walker.currentNode.parentNode.closest(skip)) nodes.push(walker.currentNode);
  }
  var marks = [];
  nodes.forEach(function (node) {
    var text = node.nodeValue;
    var found = Array.from(text.matchAll(matcher)).filter(function (m) { return m[0].length; });
    if (!found.length) return;
    var fragment = document.createDocumentFragment();
    var position = 0;
    found.forEach(function (m) {
      fragment.appendChild(document.createTextNode(text.slice(position, m.index)));
      var mark = document.createElement("mark");
      mark.className = "search-highlight";
      mark.textContent = m[0];
      fragment.appendChild(mark);
      marks.push(mark);
      position = m.index + m[0].length;
    });
    fragment.appendChild(document.createTextNode(text.slice(position)));
    node.parentNode.replaceChild(fragment, node);
  });
  if (!marks.length) return;

  var bar = document.createElement("p");
  bar.className = "search-highlight__bar";
  bar.innerHTML = '<button type="button" class="search-highlight__clear">清除高亮</button>';
  article.insertBefore(bar, article.firstChild);
  bar.querySelector("button").addEventListener("click", function () {
    marks.forEach(function (mark) {
      var parent = mark.parentNode;
      parent.replaceChild(document.createTextNode(mark.textContent), mark);
      parent.normalize();
    });
    bar.remove();
    var url = new URL(window.location.href);
    url.searchParams.delete("h");
    window.history.replaceState(window.history.state, "", url.href);
  });
})();

// Copy a speaker turn's permalink, or a citation of it, from the buttons beside its "#".
// Without a clipboard the text is put in a field, selected, for copying by hand.
(function () {
  "use strict";
  var meta = document.querySelector(".interview-meta[data-cite-title]");
  if (!meta) return;
  var canonical = document.querySelector('link[rel="canonical"]');
  var base = (canonical ? canonical.href : window.location.href).split("#")[0];
  var END = /[。！？!?]/;

  function paragraphs(turn) {
    return Array.prototype.filter.call(turn.children, function (child) {
      return child.tagName === "P" && !child.classList.contains("turn__who");
    });
  }

  // The turn's first sentence; "……" when more follows it.
  function quote(turn) {
    var texts = paragraphs(turn).map(function (p) { return p.textContent.trim(); });
    var text = texts.join("");
    var match = text.match(/^[^。！？!?]*[。！？!?]/);
    var first = match ? match[0] : text;
    return first.length < text.length ? first.replace(END, "") + "……" : first;
  }

  function citation(turn, url) {
    var speaker = turn.querySelector(".turn__speaker").textContent.trim();
    return "「" + quote(turn) + "」——" + speaker + "，《" + meta.dataset.citeTitle + "》，" + meta.dataset.citeDate + "，" + url;
  }

  function say(turn, message) {
    var status = turn.querySelector(".turn__status");
    status.textContent = message;
    clearTimeout(status.clearing);
    status.clearing = setTimeout(function () { status.textContent = ""; }, 4000);
  }

  function byHand(turn, text) {
    var field = turn.querySelector(".turn__copy-field");
    if (!field) {
      field = document.createElement("input");
      field.className = "turn__copy-field";
      field.readOnly = true;
      field.setAttribute("aria-label", "请手动复制");
      turn.querySelector(".turn__who").appendChild(field);
    }
    field.value = text;
    field.focus();
    field.select();
    say(turn, "无法访问剪贴板，已选中文字，请按 Ctrl+C（⌘C）复制");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".turn__copy");
    if (!button) return;
    var turn = button.closest(".turn");
    var url = base + "#" + turn.id;
    var text = button.dataset.copy === "cite" ? citation(turn, url) : url;
    if (!navigator.clipboard || !navigator.clipboard.writeText) {
      byHand(turn, text);
      return;
    }
    navigator.clipboard.writeText(text).then(
      function () { say(turn, button.dataset.copy === "cite" ? "已复制引用" : "已复制链接"); },
      function () { byHand(turn, text); }
    );
  });

  document.querySelectorAll(".turn__copy").forEach(function (button) { button.hidden = false; });
})();
