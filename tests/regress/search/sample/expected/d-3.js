morgueSearch.load("d-3",{"zd":"Sf]0kxrS5"});
