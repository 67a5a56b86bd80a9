morgueSearch.load("d-4",{"zd":"Sf]0knWAn"});
