// Placeholder app: shows the server's health until the full browser app lands.
const status = document.getElementById('status');
fetch('/healthz')
  .then((r) => r.json())
  .then((h) => { status.textContent = `서버 정상 (버전 ${h.version})`; })
  .catch(() => { status.textContent = '서버에 연결할 수 없습니다.'; });
