// A long source is read a chapter at a time. A link made when it was one page (/sources/rogovin-2009#p1234), or
// any #p… that is not on this page, is taken to the page that shows that paragraph. The article carries the runs
// of paragraph numbers per page ([[first paragraph, page], …]); without JavaScript the "Go to paragraph" form does
// the same through the server.
(function () {
  "use strict";
  var article = document.querySelector("article.reader[data-runs]");
  if (!article || !article.getAttribute("data-runs")) return;
  var runs = JSON.parse(article.getAttribute("data-runs"));
  var here = Number(article.getAttribute("data-page"));

  function pageOf(n) {
    var page = null;
    for (var i = 0; i < runs.length && runs[i][0] <= n; i++) page = runs[i][1];
    return page;
  }

  function follow() {
    var match = /^#p(\d+)$/.exec(window.location.hash);
    if (!match || document.getElementById("p" + match[1])) return;
    var page = pageOf(Number(match[1]));
    if (page === null || page === here) return;
    var url = page === 1 ? article.getAttribute("data-first-url")
                         : article.getAttribute("data-chapters-url") + page;
    window.location.replace(url + window.location.hash);
  }

  follow();
  window.addEventListener("hashchange", follow);
})();
