// How every part of cvgen starts Debian's Chromium (exports, the parser's corpus, the
// renderer's browser test, the screenshots script): one list, so a flag learned once
// reaches all of them.
//   --no-sandbox, --disable-dev-shm-usage: containers have no sandbox user namespaces and a small /dev/shm.
//   --disable-background-networking, -component-update, -sync, -quic: nothing leaves the
//   machine; without them Chromium keeps dialling Google's hosts on a closed network.
export const CHROMIUM_ARGS: string[] = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']
