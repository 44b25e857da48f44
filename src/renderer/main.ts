// Runs in the renderer: boots the Vue app with its Pinia stores.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { useStatusStore } from './stores/status'
import './styles/theme.css'
import './styles/base.css'

const app = createApp(App)
app.use(createPinia())
// A bug in a component must end in the error banner, never in a blank window.
app.config.errorHandler = (err) => {
  console.error(err)
  useStatusStore().reportError(err)
}
app.mount('#app')
