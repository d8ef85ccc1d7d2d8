// Renders launch links after load, then re-renders them (as a framework would), then
// changes one link's href in place: the content script must follow each change.
const app = document.getElementById('app');
const render = (ref) => {
  app.innerHTML = `<ul>
    <li><a id="late-binder" href="https://mybinder.org/v2/gh/byob-test/late/${ref}?urlpath=lab">Binder</a></li>
    <li><a id="late-pull" href="https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fbyob-test%2Flate&amp;branch=${ref}">hub</a></li>
  </ul>`;
};
setTimeout(() => render('main'), 300);
setTimeout(() => {
  render('main'); // re-render with the original hrefs
  setTimeout(() => {
    document.getElementById('late-binder').setAttribute('href', 'https://mybinder.org/v2/gh/byob-test/late/v2?urlpath=lab');
    document.documentElement.dataset.lateDone = 'yes';
  }, 200);
}, 700);
