// Placeholder: the web UI (tools, live charts, flame graphs) arrives in a later issue.
export function App() {
  return (
    <main>
      <h1>bpfscope</h1>
      <p>Web GUI for Linux eBPF performance analysis. This page is a placeholder; the UI arrives in a later issue.</p>
    </main>
  );
}
