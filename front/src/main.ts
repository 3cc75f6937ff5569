// Entry point: defines <clip-front> (index.html holds one).
import './components/clip-front'
